"""HTTP plumbing every register router shares: output with ETag, the paged list envelope, and the
engine-computed due summary — so each concept's `api.py` only declares its routes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response
from sqlalchemy.orm import Session

from vats.api.deps import etag
from vats.api.listing import Paged, PageParams, paged
from vats.registers.base import RegisterColumns
from vats.registers.schemas import RecordOut, to_out
from vats.registers.states import StateMachine
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
