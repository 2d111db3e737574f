"""Annual report workpacks: one per licence and report year, its entered values and, once submitted,
the frozen report (every value with its source) kept read-only for the retention period."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.registers.filings.models import Filing
from vats.store.audit import Audited
from vats.store.base import Base


class Workpack(RegisterColumns, Audited, Base):
    """`values` holds what people typed (keyed like `rules.workpack.Slot.key`); pre-filled values are
    computed afresh from the registers until submission, when `frozen` keeps the report as filed."""

    __tablename__ = "workpacks"
    __table_args__ = (UniqueConstraint("licence", "year", name="uq_workpacks_licence_year"),)
    subject_prefix = "workpack"
    noun = "年报工作底稿 / workpack"

    year: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    frozen: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    filing_id: Mapped[int | None] = mapped_column(
        ForeignKey("filings.id", ondelete="SET NULL"), default=None, index=True
    )
    submitted_at: Mapped[date | None] = mapped_column(Date, default=None)


FOREIGN_TABLES = (Filing.__tablename__,)
"""Tables the foreign keys above point at, imported here so a workpack can be flushed in a process
that has not loaded the filings register yet."""
