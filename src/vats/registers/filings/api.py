"""/api/v1/filings: the filings register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.filings import INFO, MACHINE, service
from vats.registers.filings.schemas import FilingCreate, FilingFilters, FilingOut, FilingSubmit

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="申报列表 / List filings")
def list_filings(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    as_of: AsOf = None,
    licence: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
    open_only: Annotated[bool, Query()] = False,
) -> Paged[FilingOut]:
    filters = FilingFilters(licence=licence, status=status, kind=kind, year=year, open_only=open_only)
    result = service.list_filings(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=FilingOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记申报 / Record a filing")
def create_filing(
    body: Annotated[FilingCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> FilingOut:
    record = service.add_filing(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)


@router.get("/{filing_id}", summary="申报及附件 / One filing with its attachments")
def read_filing(
    filing_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> FilingOut:
    record = service.get_filing(session, filing_id=filing_id)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{filing_id}/submit", summary="登记已提交 / Record submission")
def submit_filing(
    filing_id: int,
    body: Annotated[FilingSubmit, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> FilingOut:
    record = service.submit_filing(
        session, filing_id=filing_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)


@router.post("/{filing_id}/close", summary="办结 / Close")
def close_filing(
    filing_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> FilingOut:
    record = service.close_filing(session, filing_id=filing_id, expected_version=expected)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)
