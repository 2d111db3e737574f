"""Request and response shapes of the corporate-changes register."""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from vats.registers.fields import Bounded, Code, LicenceNo, LongText
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes
from vats.registers.vocab import vocabulary


class ChangeCreate(InputModel):
    licence: LicenceNo
    kind: Code("change_kinds")  # type: ignore[valid-type]
    decided_at: date | None = None
    registered_at: date | None = None
    effective_at: date | None = None
    description: LongText | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _date_basis(self) -> ChangeCreate:
        # Entity and scope changes run from the company's decision, registration items from the
        # completed business-registration change: the kind says which date the clock starts on.
        basis = vocabulary().term("change_kinds", self.kind, field="kind").date_basis
        if basis == "decision" and self.decided_at is None:
            raise ValueError(f"{self.kind}: decided_at is required / 请填写作出决定日期")
        if basis == "registration" and self.registered_at is None:
            raise ValueError(f"{self.kind}: registered_at is required / 请填写登记变更日期")
        return self


class ChangeFile(InputModel):
    filed_at: date
    receipt_no: Bounded(100) | None = None  # type: ignore[valid-type]


class ChangeFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    kind: str | None = None
    open_only: bool = False


class ChangeOut(RecordOut):
    kind: str
    description: str | None
    decided_at: date | None
    registered_at: date | None
    effective_at: date | None
    filed_at: date | None
    receipt_no: str | None


SHAPES = Shapes(ChangeCreate, ChangeOut, ChangeFilters)
