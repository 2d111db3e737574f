"""安全评估登记 — security assessments: new technology / new business (licence provisions 十五(八),
十六(七): written report within 30 days of completion) and Order 11 grading, conformity and risk.

State machine: planned --complete--> completed --report--> reported --close--> closed. Completion and
report events come from the kind's entry in vocab.yaml: new-business → `security_assessment_completed`
/ `security_assessment_reported` (30 days); grading → `network_unit_graded` / `grading_filed`;
conformity and risk → `conformity_assessed` / `risk_assessed` (their report emits nothing).
"""

from __future__ import annotations

from typing import Any

from vats.registers.assessments.schemas import SHAPES, AssessmentComplete, AssessmentReport
from vats.registers.spec import CLOSE, Implied, Listing, Order, RegisterSpec, Step
from vats.registers.states import flow
from vats.registers.vocab import vocabulary

MACHINE = flow(
    "assessment",
    "planned --complete--> completed --report--> reported --close--> closed",
    open_states=("planned", "completed"),
)


def _unit_fields(assessment: Any, event: str) -> dict[str, object]:
    """Order 11 events carry the network unit (and the grade for grading)."""
    if event == "network_unit_graded":
        return {"unit": assessment.unit, "level": assessment.level}
    if event in ("grading_filed", "conformity_assessed", "risk_assessed"):
        return {"unit": assessment.unit}
    return {}


def implied_events(assessment: Any) -> list[Implied]:
    """Completion and report, with the event types the assessment's kind names (and its unit)."""
    term, out = vocabulary().term("assessment_kinds", assessment.kind, field="kind"), []
    if assessment.completed_at is not None and term.event:
        out.append(Implied(term.event, assessment.completed_at, _unit_fields(assessment, term.event)))
    if assessment.reported_at is not None and term.done_event:
        done = term.done_event
        out.append(Implied(done, assessment.reported_at, _unit_fields(assessment, done)))
    return out


STEPS = (
    Step("complete", AssessmentComplete, on_create=True),
    Step("report", AssessmentReport),
    CLOSE,
)
LISTING = Listing(("kind", "scope", "level", "completed_at", "reported_at"), order_by=("completed_at",))

SPEC = RegisterSpec(
    "assessments",
    "vats.registers.assessments.models:Assessment",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    order=(Order("reported_at", "completed_at"),),
)
