"""/api/v1/cases: the disposal-case register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.cases import INFO, MACHINE, service
from vats.registers.cases.schemas import CaseCreate, CaseDispose, CaseFilters, CaseOut, CaseReport

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="违法信息处置案件列表 / List disposal cases with their report due date")
def list_cases(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    as_of: AsOf = None,
    licence: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    category: Annotated[str | None, Query()] = None,
    open_only: Annotated[bool, Query()] = False,
) -> Paged[CaseOut]:
    filters = CaseFilters(licence=licence, status=status, category=category, open_only=open_only)
    result = service.list_cases(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=CaseOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记案件 / Open a case")
def create_case(
    body: Annotated[CaseCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> CaseOut:
    case = service.add_case(session, **body.model_dump())
    common.created(response, INFO.plural, case.id)
    return common.one(session, case, schema=CaseOut, machine=MACHINE, response=response)


@router.get("/{case_id}", summary="案件 / One case")
def read_case(
    case_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> CaseOut:
    case = service.get_case(session, case_id=case_id)
    return common.one(session, case, schema=CaseOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{case_id}/dispose", summary="登记处置 / Record the disposal")
def dispose_case(
    case_id: int,
    body: Annotated[CaseDispose, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> CaseOut:
    case = service.dispose_case(session, case_id=case_id, expected_version=expected, **body.model_dump())
    return common.one(session, case, schema=CaseOut, machine=MACHINE, response=response)


@router.post("/{case_id}/report", summary="登记上报 / Record the report to the authority")
def report_case(
    case_id: int,
    body: Annotated[CaseReport, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> CaseOut:
    case = service.report_case(session, case_id=case_id, expected_version=expected, **body.model_dump())
    return common.one(session, case, schema=CaseOut, machine=MACHINE, response=response)


@router.post("/{case_id}/close", summary="结案 / Close a reported case")
def close_case(
    case_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> CaseOut:
    case = service.close_case(session, case_id=case_id, expected_version=expected)
    return common.one(session, case, schema=CaseOut, machine=MACHINE, response=response)


common.add_correction_route(router, info=INFO, schema=CaseOut, machine=MACHINE)
