"""/api/v1/complaints: the complaints register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.complaints import INFO, MACHINE, service
from vats.registers.complaints.schemas import ComplaintCreate, ComplaintFilters, ComplaintOut, ComplaintReply

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="投诉列表 / List complaints with their reply due date")
def list_complaints(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    as_of: AsOf = None,
    licence: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    channel: Annotated[str | None, Query()] = None,
    open_only: Annotated[bool, Query()] = False,
) -> Paged[ComplaintOut]:
    filters = ComplaintFilters(licence=licence, status=status, channel=channel, open_only=open_only)
    result = service.list_complaints(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=ComplaintOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记投诉 / Register a complaint")
def create_complaint(
    body: Annotated[ComplaintCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> ComplaintOut:
    record = service.add_complaint(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=ComplaintOut, machine=MACHINE, response=response)


@router.get("/{complaint_id}", summary="投诉 / One complaint")
def read_complaint(
    complaint_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> ComplaintOut:
    record = service.get_complaint(session, complaint_id=complaint_id)
    return common.one(session, record, schema=ComplaintOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{complaint_id}/reply", summary="登记答复 / Record the reply")
def reply_complaint(
    complaint_id: int,
    body: Annotated[ComplaintReply, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> ComplaintOut:
    record = service.reply_complaint(
        session, complaint_id=complaint_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=ComplaintOut, machine=MACHINE, response=response)


@router.post("/{complaint_id}/close", summary="结案 / Close")
def close_complaint(
    complaint_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> ComplaintOut:
    record = service.close_complaint(session, complaint_id=complaint_id, expected_version=expected)
    return common.one(session, record, schema=ComplaintOut, machine=MACHINE, response=response)


common.add_correction_route(router, info=INFO, schema=ComplaintOut, machine=MACHINE)
