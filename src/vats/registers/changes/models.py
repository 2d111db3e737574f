"""The corporate-changes register: decisions and registration changes that must be applied for or
reported to the issuing authority (licence provisions 十一, 十二; Order 42 arts. 28–29)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.store.audit import Audited
from vats.store.base import Base


class CorporateChange(RegisterColumns, Audited, Base):
    """One change. Entity/scope changes run from the decision date, registration items from the
    business-registration date (the kind's `date_basis` in vocab.yaml says which is required)."""

    __tablename__ = "corporate_changes"
    subject_prefix = "change"
    noun = "公司变更 / change"

    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    decided_at: Mapped[date | None] = mapped_column(Date, default=None)
    registered_at: Mapped[date | None] = mapped_column(Date, default=None)
    effective_at: Mapped[date | None] = mapped_column(Date, default=None)
    filed_at: Mapped[date | None] = mapped_column(Date, default=None)
    receipt_no: Mapped[str | None] = mapped_column(String(100), default=None)
