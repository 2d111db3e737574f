"""/api/v1/assessments: the security-assessment register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.assessments import INFO, MACHINE, service
from vats.registers.assessments.schemas import (
    AssessmentComplete,
    AssessmentCreate,
    AssessmentFilters,
    AssessmentOut,
    AssessmentReport,
)

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="安全评估列表 / List assessments with their report due date")
def list_assessments(
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
) -> Paged[AssessmentOut]:
    filters = AssessmentFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    result = service.list_assessments(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=AssessmentOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记评估 / Register an assessment")
def create_assessment(
    body: Annotated[AssessmentCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> AssessmentOut:
    record = service.add_assessment(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=AssessmentOut, machine=MACHINE, response=response)


@router.get("/{assessment_id}", summary="安全评估 / One assessment")
def read_assessment(
    assessment_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> AssessmentOut:
    record = service.get_assessment(session, assessment_id=assessment_id)
    return common.one(session, record, schema=AssessmentOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{assessment_id}/complete", summary="登记完成 / Record completion")
def complete_assessment(
    assessment_id: int,
    body: Annotated[AssessmentComplete, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> AssessmentOut:
    record = service.complete_assessment(
        session, assessment_id=assessment_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=AssessmentOut, machine=MACHINE, response=response)


@router.post("/{assessment_id}/report", summary="登记报送 / Record the report")
def report_assessment(
    assessment_id: int,
    body: Annotated[AssessmentReport, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> AssessmentOut:
    record = service.report_assessment(
        session, assessment_id=assessment_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=AssessmentOut, machine=MACHINE, response=response)


@router.post("/{assessment_id}/close", summary="归档 / Close")
def close_assessment(
    assessment_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> AssessmentOut:
    record = service.close_assessment(session, assessment_id=assessment_id, expected_version=expected)
    return common.one(session, record, schema=AssessmentOut, machine=MACHINE, response=response)


common.add_correction_route(router, info=INFO, schema=AssessmentOut, machine=MACHINE)
