"""HTTP plumbing every register router shares: output with ETag, the paged list envelope, and the
engine-computed due summary — so each concept's `api.py` only declares its routes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vats.api.deps import DbSession, ExpectedVersion, Writer, etag
from vats.api.listing import Paged, PageParams, paged
from vats.registers.base import RegisterColumns
from vats.registers.schemas import RecordOut, to_out
from vats.registers.states import RegisterInfo, StateMachine
from vats.store.listing import ListResult

OutT = TypeVar("OutT", bound=RecordOut)

AsOf = Annotated[
    date | None, Query(description="期限计算日 / evaluate deadlines as of (default: today, Beijing)")
]


def one(
    session: Session,
    record: RegisterColumns,
    *,
    schema: type[OutT],
    machine: StateMachine,
    response: Response,
    as_of: date | None = None,
) -> OutT:
    """One record as its Out schema, with `ETag: "<version>"` for a later If-Match."""
    session.flush()
    out = to_out(session, schema, [record], machine=machine, as_of=as_of)[0]
    response.headers["ETag"] = etag(out.version)
    return out


def many(
    request: Request,
    response: Response,
    session: Session,
    result: ListResult[Any],
    *,
    schema: type[OutT],
    machine: StateMachine,
    paging: PageParams,
    as_of: date | None = None,
) -> Paged[OutT]:
    """The standard list envelope (`items`, `total`, `page`, `per_page` + Link headers)."""
    items = to_out(session, schema, result.items, machine=machine, as_of=as_of)
    return paged(request, response, items, result.total, paging)


def created(response: Response, plural: str, record_id: int) -> None:
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/{plural}/{record_id}"


class CorrectionIn(BaseModel):
    """A correction of recorded values: which fields, their right values, and why."""

    changes: dict[str, Any] = Field(description="字段 → 更正后的值 / field -> corrected value", min_length=1)
    reason: str = Field(min_length=1, max_length=500, description="更正原因 / why")
    version: int | None = Field(default=None, description="读取时的版本（或用 If-Match）/ version read")


def add_correction_route(
    router: APIRouter, *, info: RegisterInfo, schema: type[OutT], machine: StateMachine
) -> None:
    """`POST /{plural}/{record_id}/corrections` for one register (`registers.corrections`).

    A correction changes what was recorded, so it needs the version the caller read (If-Match or
    `version`), like every other change of a versioned record."""

    @router.post(
        "/{record_id}/corrections",
        summary=f"更正 / Correct a {info.key}'s recorded values (deadlines follow; the reason is kept)",
        response_model=schema,
    )
    def correct(
        record_id: int,
        body: Annotated[CorrectionIn, Body()],
        response: Response,
        session: DbSession,
        actor: Writer,
        expected: ExpectedVersion,
    ) -> Any:
        from vats.api.problems import PreconditionRequired
        from vats.registers.corrections import correct_record

        wanted = expected if expected is not None else body.version
        if wanted is None:
            raise PreconditionRequired(
                'send If-Match: "<version>" or a version field / 需要版本号', field="If-Match"
            )
        record = correct_record(
            session,
            register=info.plural,
            record_id=record_id,
            changes=body.changes,
            reason=body.reason,
            expected_version=wanted,
        )
        return one(session, record, schema=schema, machine=machine, response=response)
