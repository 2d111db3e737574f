"""/api/v1/checks: trigger homepage checks, read runs, failing sites and per-result evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from vats.api import views
from vats.api.deps import DbSession, Principal, Reader, RecordId, Writer
from vats.api.listing import Paged, Paging, paged
from vats.api.types import UtcDateTime
from vats.model.clock import today
from vats.model.errors import NotFoundError
from vats.store.listing import paginate

router = APIRouter(prefix="/checks", tags=["checks"])


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    started_at: UtcDateTime
    finished_at: UtcDateTime
    actor: str
    scope: str
    sites: int
    sites_passed: int
    sites_failed: int


class ResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    run_id: int
    licence: str | None
    domain: str
    check: str
    outcome: str
    code: str
    message_zh: str
    message_en: str
    requested_url: str
    final_url: str | None
    status_code: int | None
    elapsed_ms: float
    body_sm3: str | None
    snippet: str | None
    checked_at: UtcDateTime
    evidence: dict[str, Any]


class FailureOut(BaseModel):
    domain: str
    licence: str | None
    code: str
    message_zh: str
    message_en: str
    checked_at: UtcDateTime
    result_id: int


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    licence: str = Field(min_length=3, max_length=64, description="check this licence's listed sites")


def _visible_numbers(session: Any, actor: Principal) -> set[str]:
    return {lic.number for lic in views.portfolio(session, actor, as_of=today()).licences}


@router.get("/failures", summary="Sites whose latest check failed")
def failures(session: DbSession, actor: Reader) -> list[FailureOut]:
    from vats.report.notify.sites import latest_failures

    found = latest_failures(session, licences=_visible_numbers(session, actor))
    return [FailureOut.model_validate(f, from_attributes=True) for f in found]


@router.get("/runs", summary="Check runs, newest first")
def list_runs(
    request: Request, response: Response, session: DbSession, actor: Reader, paging: Paging
) -> Paged[RunOut]:
    from vats.store.checks import CheckResultRow, CheckRun

    query = select(CheckRun).order_by(CheckRun.id.desc())
    visible: set[str] | None = None
    if actor.organisations is not None:
        # A run is shown to those who may see one of the licences it checked, naming only those.
        visible = _visible_numbers(session, actor)
        checked = select(CheckResultRow.run_id).where(CheckResultRow.licence.in_(sorted(visible)))
        query = query.where(CheckRun.id.in_(checked))
    result = paginate(session, query, page=paging)
    items = [RunOut.model_validate(r) for r in result]
    if visible is not None:
        items = [_named_within(item, visible) for item in items]
    return paged(request, response, items, result.total, paging)


def _named_within(run: RunOut, visible: set[str]) -> RunOut:
    """The run with its scope cut to the visible licence numbers ("all" and file names stay)."""
    numbers = run.scope.split(",")
    if not any(n in visible for n in numbers):
        return run
    return run.model_copy(update={"scope": ",".join(n for n in numbers if n in visible)})


@router.post("/runs", status_code=201, summary="Check one licence's homepages now and store the evidence")
def trigger_run(
    request: Request, session: DbSession, actor: Writer, body: Annotated[RunRequest, Body()]
) -> RunOut:
    from vats.api.jobs import run_site_checks
    from vats.store.checks import CheckRun
    from vats.store.licences import require_licence

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

    where: list[Any] = [R.licence.in_(sorted(_visible_numbers(session, actor)))]
    if domain:
        where.append(R.domain == domain.lower().rstrip("."))
    if run_id is not None:
        where.append(R.run_id == run_id)
    result = paginate(session, select(R).where(*where).order_by(R.id.desc()), page=paging)
    return paged(request, response, [ResultOut.model_validate(r) for r in result], result.total, paging)


@router.get("/results/{result_id}", summary="One result with its full evidence")
def get_result(result_id: RecordId, session: DbSession, actor: Reader) -> ResultOut:
    from vats.store.checks import CheckResultRow

    row = session.get(CheckResultRow, result_id)
    if row is None or (row.licence is not None and row.licence not in _visible_numbers(session, actor)):
        raise NotFoundError(f"check result {result_id} not found / 未找到", field="id")
    return ResultOut.model_validate(row)
