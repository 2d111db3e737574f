"""The 违法信息处置 register: one row per piece of illegal information found and disposed of."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.store.audit import Audited
from vats.store.base import Base


class DisposalCase(RegisterColumns, Audited, Base):
    """Provision 九 / Order 292 art. 16: dispose at once, keep records, report within 10 working days."""

    __tablename__ = "disposal_cases"
    subject_prefix = "case"
    noun = "处置案件 / case"

    site: Mapped[str] = mapped_column(String(255))  # domain or app where the content was found
    content_ref: Mapped[str] = mapped_column(String(500))  # URL, post id or screenshot reference
    category: Mapped[str] = mapped_column(String(40))  # Order 292 art. 15 heading (vocab: categories)
    discovered_at: Mapped[date] = mapped_column(Date)
    disposed_at: Mapped[date | None] = mapped_column(Date, default=None)
    action: Mapped[str | None] = mapped_column(String(20), default=None)  # stop | delete
    records_kept: Mapped[bool] = mapped_column(Boolean, default=False)
    records_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    reported_at: Mapped[date | None] = mapped_column(Date, default=None)
    receipt_no: Mapped[str | None] = mapped_column(String(100), default=None)
