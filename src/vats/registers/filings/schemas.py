"""Request and response shapes of the filings register and its attachments."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text, UtcDateTime
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes
from vats.registers.vocab import vocabulary


class FilingCreate(InputModel):
    licence: LicenceNo
    kind: Code("filing_kinds")  # type: ignore[valid-type]
    title: Text | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    note: LongText | None = None

    @model_validator(mode="after")
    def _year_for_annual_reports(self) -> FilingCreate:
        term = vocabulary().term("filing_kinds", self.kind, field="kind")
        if term.needs_year and self.year is None:
            raise ValueError("an annual report needs its reporting year (--year) / 年报需填写报告年度")
        if not term.needs_year and self.year is not None:
            raise ValueError(f"{self.kind} has no reporting year / 该类申报无报告年度")
        return self


class FilingSubmit(InputModel):
    submitted_at: date
    receipt_no: Bounded(100) | None = None  # type: ignore[valid-type]


class FilingFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    kind: str | None = None
    year: int | None = None
    open_only: bool = False


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filing_id: int
    filename: str
    media_type: str
    size: int
    sm3: str
    created_at: UtcDateTime
    created_by: str


class FilingOut(RecordOut):
    kind: str
    year: int | None
    title: str
    submitted_at: date | None
    receipt_no: str | None
    attachments: list[AttachmentOut] = []


SHAPES = Shapes(FilingCreate, FilingOut, FilingFilters)
