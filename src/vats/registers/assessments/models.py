"""The security-assessment register: new-business assessments (provision 十五(八)/十六(七)) and the
network-unit grading, conformity and risk assessments of MIIT Order 11 (provision 六)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.store.audit import Audited
from vats.store.base import Base


class Assessment(RegisterColumns, Audited, Base):
    """One assessment; `unit` and `level` identify the graded network unit (Order 11 levels 1–5)."""

    __tablename__ = "assessments"
    subject_prefix = "assessment"
    noun = "安全评估 / assessment"

    kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str | None] = mapped_column(String(200), default=None)
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    completed_at: Mapped[date | None] = mapped_column(Date, default=None)
    reported_at: Mapped[date | None] = mapped_column(Date, default=None)
    report_ref: Mapped[str | None] = mapped_column(String(200), default=None)
