"""/api/v1/incidents: the incidents register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.incidents import INFO, MACHINE, service
from vats.registers.incidents.schemas import (
    IncidentContain,
    IncidentCreate,
    IncidentFilters,
    IncidentFollowUp,
    IncidentOut,
    IncidentReport,
)

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="安全事件列表 / List incidents with their report due date")
def list_incidents(
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
) -> Paged[IncidentOut]:
    filters = IncidentFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    result = service.list_incidents(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=IncidentOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记事件 / Register an incident")
def create_incident(
    body: Annotated[IncidentCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> IncidentOut:
    record = service.add_incident(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response)


@router.get("/{incident_id}", summary="安全事件 / One incident")
def read_incident(
    incident_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> IncidentOut:
    record = service.get_incident(session, incident_id=incident_id)
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{incident_id}/contain", summary="登记已控制 / Record containment")
def contain_incident(
    incident_id: int,
    body: Annotated[IncidentContain, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> IncidentOut:
    record = service.contain_incident(
        session, incident_id=incident_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response)


@router.post("/{incident_id}/report", summary="登记报告 / Record the report")
def report_incident(
    incident_id: int,
    body: Annotated[IncidentReport, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> IncidentOut:
    record = service.report_incident(
        session, incident_id=incident_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response)


@router.post("/{incident_id}/follow-up", summary="登记续报 / Add a follow-up report")
def follow_up_incident(
    incident_id: int,
    body: Annotated[IncidentFollowUp, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> IncidentOut:
    record = service.follow_up_incident(
        session, incident_id=incident_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response)


@router.post("/{incident_id}/close", summary="结束 / Close")
def close_incident(
    incident_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> IncidentOut:
    record = service.close_incident(session, incident_id=incident_id, expected_version=expected)
    return common.one(session, record, schema=IncidentOut, machine=MACHINE, response=response)


common.add_correction_route(router, info=INFO, schema=IncidentOut, machine=MACHINE)
