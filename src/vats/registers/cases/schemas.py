"""Request and response shapes of the disposal-case register (API bodies, CLI --json)."""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes


class CaseCreate(InputModel):
    licence: LicenceNo
    site: Bounded(255)  # type: ignore[valid-type]
    content_ref: Text
    category: Code("categories")  # type: ignore[valid-type]
    discovered_at: date
    note: LongText | None = None


class CaseDispose(InputModel):
    disposed_at: date
    action: Code("disposal_actions")  # type: ignore[valid-type]
    records_kept: bool = True
    records_ref: Text | None = None

    @model_validator(mode="after")
    def _records_ref_needed(self) -> CaseDispose:
        # Provision 九 requires the records to be kept; say where, so an inspector can find them.
        if self.records_kept and not self.records_ref:
            raise ValueError("records_ref is required when records are kept / 请注明记录保存位置")
        return self


class CaseReport(InputModel):
    reported_at: date
    receipt_no: Bounded(100)  # type: ignore[valid-type]


class CaseFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    category: str | None = None
    open_only: bool = False


class CaseOut(RecordOut):
    site: str
    content_ref: str
    category: str
    discovered_at: date
    disposed_at: date | None
    action: str | None
    records_kept: bool
    records_ref: str | None
    reported_at: date | None
    receipt_no: str | None


SHAPES = Shapes(CaseCreate, CaseOut, CaseFilters)
