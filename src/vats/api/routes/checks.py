"""/api/v1/checks: trigger homepage checks, read runs, failing sites and per-result evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from vats.api import sitechecks
from vats.api.checkjobs import submit_check
from vats.api.deps import DbSession, Reader, RecordId, Writer
from vats.api.listing import Paged, Paging, paged
from vats.api.routes.jobs import RecordedJobOut, recorded_out
from vats.api.sitechecks import FailureOut, ResultOut, RunOut
from vats.model.errors import NotFoundError
from vats.store.listing import paginate

router = APIRouter(prefix="/checks", tags=["checks"])


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    licence: str = Field(min_length=3, max_length=64, description="check this licence's listed sites")


@router.get("/failures", summary="Sites whose latest check failed")
def failures(session: DbSession, actor: Reader) -> list[FailureOut]:
    return sitechecks.failures(session, actor)


@router.get("/runs", summary="Check runs, newest first")
def list_runs(
    request: Request, response: Response, session: DbSession, actor: Reader, paging: Paging
) -> Paged[RunOut]:
    result = sitechecks.runs(session, actor, page=paging)
    return paged(request, response, result.items, result.total, paging)


@router.post(
    "/runs",
    status_code=201,
    summary="Check one licence's homepages now and store the evidence",
    description=(
        "With workers (PostgreSQL) the check is queued as a job and the answer is 202 with the job "
        "and where to follow it (`Location`); without them the sites are checked in the request and "
        "the stored run is returned (201)."
    ),
    responses={202: {"model": RecordedJobOut, "description": "queued; follow the job at `href`"}},
)
def trigger_run(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Writer,
    body: Annotated[RunRequest, Body()],
) -> RunOut | RecordedJobOut:
    from vats.api.jobs import run_site_checks
    from vats.api.jobsubmit import queued
    from vats.store.checks import CheckRun
    from vats.store.licences import require_licence

    if queued(session):
        job = submit_check(session, principal=actor, licence=body.licence)
        response.status_code = 202
        response.headers["Location"] = f"/api/v1/jobs/recorded/{job.id}"
        return recorded_out(job)
    record = require_licence(session, number=body.licence)
    actor.check_visible(record.organisation_id, what="licence")
    run_id = run_site_checks(request.app.state.engine, actor=actor.name, numbers=[record.number])
    if run_id is None:
        raise NotFoundError(f"licence {record.number} lists no sites / 许可证未列出网站", field="licence")
    run = session.get(CheckRun, run_id)
    return RunOut.model_validate(run)


@router.get("/results", summary="Stored results of the visible licences' sites")
def list_results(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    domain: Annotated[str | None, Query(max_length=253)] = None,
    run_id: int | None = None,
) -> Paged[ResultOut]:
    from vats.store.checks import CheckResultRow as R

    where: list[Any] = [R.licence.in_(sorted(sitechecks.visible_numbers(session, actor)))]
    if domain:
        where.append(R.domain == domain.lower().rstrip("."))
    if run_id is not None:
        where.append(R.run_id == run_id)
    result = paginate(session, select(R).where(*where).order_by(R.id.desc()), page=paging)
    return paged(request, response, [ResultOut.model_validate(r) for r in result], result.total, paging)


@router.get("/results/{result_id}", summary="One result with its full evidence")
def get_result(result_id: RecordId, session: DbSession, actor: Reader) -> ResultOut:
    return sitechecks.result(session, actor, result_id=result_id)
