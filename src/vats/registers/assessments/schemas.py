"""Request and response shapes of the security-assessment register."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes
from vats.registers.vocab import vocabulary


class AssessmentCreate(InputModel):
    licence: LicenceNo
    kind: Code("assessment_kinds")  # type: ignore[valid-type]
    scope: Text
    unit: Bounded(200) | None = None  # type: ignore[valid-type]
    level: int | None = Field(default=None, ge=1, le=5)  # Order 11 grades network units 1–5
    note: LongText | None = None

    @model_validator(mode="after")
    def _grading_needs_unit_and_level(self) -> AssessmentCreate:
        term = vocabulary().term("assessment_kinds", self.kind, field="kind")
        if term.needs_level and (self.level is None or not self.unit):
            raise ValueError("grading needs --unit and --level (1–5) / 定级需填写网络单元和级别")
        return self


class AssessmentComplete(InputModel):
    completed_at: date


class AssessmentReport(InputModel):
    reported_at: date
    report_ref: Bounded(200) | None = None  # type: ignore[valid-type]


class AssessmentFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    kind: str | None = None
    open_only: bool = False


class AssessmentOut(RecordOut):
    kind: str
    scope: str
    unit: str | None
    level: int | None
    completed_at: date | None
    reported_at: date | None
    report_ref: str | None


SHAPES = Shapes(AssessmentCreate, AssessmentOut, AssessmentFilters)
