"""/api/v1/changes: the corporate-changes register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.changes import INFO, MACHINE, service
from vats.registers.changes.schemas import ChangeCreate, ChangeFile, ChangeFilters, ChangeOut

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="公司变更列表 / List changes with their application due date")
def list_changes(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    as_of: AsOf = None,
    licence: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    open_only: Annotated[bool, Query()] = False,
) -> Paged[ChangeOut]:
    filters = ChangeFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    result = service.list_changes(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=ChangeOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记变更 / Record a change")
def create_change(
    body: Annotated[ChangeCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> ChangeOut:
    record = service.add_change(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=ChangeOut, machine=MACHINE, response=response)


@router.get("/{change_id}", summary="公司变更 / One change")
def read_change(
    change_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> ChangeOut:
    record = service.get_change(session, change_id=change_id)
    return common.one(session, record, schema=ChangeOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{change_id}/file", summary="登记已申请 / Record the application")
def file_change(
    change_id: int,
    body: Annotated[ChangeFile, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> ChangeOut:
    record = service.file_change(session, change_id=change_id, expected_version=expected, **body.model_dump())
    return common.one(session, record, schema=ChangeOut, machine=MACHINE, response=response)


@router.post("/{change_id}/close", summary="办结 / Close")
def close_change(
    change_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> ChangeOut:
    record = service.close_change(session, change_id=change_id, expected_version=expected)
    return common.one(session, record, schema=ChangeOut, machine=MACHINE, response=response)


common.add_correction_route(router, info=INFO, schema=ChangeOut, machine=MACHINE)
