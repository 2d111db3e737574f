"""Security assessments. Completion and report events come from the kind's entry in vocab.yaml:
new-business → `security_assessment_completed` / `security_assessment_reported` (30 days);
grading → `network_unit_graded` / `grading_filed`; conformity and risk → `conformity_assessed` /
`risk_assessed` (which restart the engine's periodic cycle; their report emits nothing)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from vats.model import clock
from vats.registers.assessments import MACHINE
from vats.registers.assessments.models import Assessment
from vats.registers.assessments.schemas import (
    AssessmentComplete,
    AssessmentCreate,
    AssessmentFilters,
    AssessmentReport,
)
from vats.registers.base import (
    common_filters,
    get_or_raise,
    list_records,
    next_state,
    not_before,
    not_future,
    parse_input,
    resolve_licence,
)
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.registers.vocab import Term, vocabulary
from vats.store.listing import ListResult, Page


def _term(assessment: Assessment) -> Term:
    return vocabulary().term("assessment_kinds", assessment.kind, field="kind")


def _unit_fields(assessment: Assessment, event: str) -> dict[str, object]:
    """Order 11 events carry the network unit (and the grade for grading)."""
    if event == "network_unit_graded":
        return {"unit": assessment.unit, "level": assessment.level}
    if event in ("grading_filed", "conformity_assessed", "risk_assessed"):
        return {"unit": assessment.unit}
    return {}


def implied_events(assessment: Assessment) -> list[Implied]:
    """Completion and report, with the event types the assessment's kind names (and its unit)."""
    term, out = _term(assessment), []
    if assessment.completed_at is not None and term.event:
        out.append(Implied(term.event, assessment.completed_at, _unit_fields(assessment, term.event)))
    if assessment.reported_at is not None and term.done_event:
        out.append(
            Implied(term.done_event, assessment.reported_at, _unit_fields(assessment, term.done_event))
        )
    return out


CORRECTIONS = Corrections(
    schemas=(AssessmentCreate, AssessmentComplete, AssessmentReport),
    implied=implied_events,
    order=(("reported_at", "completed_at", "完成日期 completion"),),
)


def add_assessment(
    session: Session,
    *,
    licence: str,
    kind: str,
    scope: str,
    unit: str | None = None,
    level: int | None = None,
    note: str | None = None,
) -> Assessment:
    """Plan an assessment (nothing is owed until it is completed)."""
    data = parse_input(
        AssessmentCreate, dict(licence=licence, kind=kind, scope=scope, unit=unit, level=level, note=note)
    )
    ref = resolve_licence(session, data.licence)
    assessment = Assessment(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        kind=data.kind,
        scope=data.scope,
        unit=data.unit,
        level=data.level,
        note=data.note,
    )
    session.add(assessment)
    session.flush()
    return assessment


def get_assessment(session: Session, *, assessment_id: int) -> Assessment:
    return get_or_raise(session, Assessment, assessment_id)


def complete_assessment(
    session: Session,
    *,
    assessment_id: int,
    completed_at: date,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """Record completion; for a new-business assessment this starts the 30-day report clock."""
    data = parse_input(AssessmentComplete, dict(completed_at=completed_at))
    assessment = get_assessment(session, assessment_id=assessment_id)
    status = next_state(assessment, MACHINE, "complete", expected_version=expected_version)
    not_future(data.completed_at, field="completed_at", today=today or clock.today())
    assessment.status = status
    assessment.completed_at = data.completed_at
    sync_events(session, assessment, implied_events)
    session.flush()
    return assessment


def report_assessment(
    session: Session,
    *,
    assessment_id: int,
    reported_at: date,
    report_ref: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """Record submission of the written report (or the grading filing) to the authority."""
    data = parse_input(AssessmentReport, dict(reported_at=reported_at, report_ref=report_ref))
    assessment = get_assessment(session, assessment_id=assessment_id)
    status = next_state(assessment, MACHINE, "report", expected_version=expected_version)
    not_future(data.reported_at, field="reported_at", today=today or clock.today())
    assert assessment.completed_at is not None  # guaranteed by the state machine
    not_before(
        data.reported_at, assessment.completed_at, field="reported_at", earlier_name="完成日期 completion"
    )
    assessment.status = status
    assessment.reported_at = data.reported_at
    assessment.report_ref = data.report_ref
    sync_events(session, assessment, implied_events)
    session.flush()
    return assessment


def close_assessment(
    session: Session, *, assessment_id: int, expected_version: int | None = None
) -> Assessment:
    assessment = get_assessment(session, assessment_id=assessment_id)
    assessment.status = next_state(assessment, MACHINE, "close", expected_version=expected_version)
    session.flush()
    return assessment


def list_assessments(
    session: Session, *, filters: AssessmentFilters | None = None, page: Page | None = None
) -> ListResult[Assessment]:
    f = filters or AssessmentFilters()
    where = common_filters(
        Assessment, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE
    )
    if f.kind:
        where.append(Assessment.kind == f.kind)
    return list_records(
        session, Assessment, where=where, page=page, order_by=[Assessment.completed_at.desc()]
    )
