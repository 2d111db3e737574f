"""The complaints register (用户投诉): licence provision 五 and Order 24 art. 12 (reply within 15 days)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.store.audit import Audited
from vats.store.base import Base


class Complaint(RegisterColumns, Audited, Base):
    """One user complaint, from receipt to reply. `topic` is what it is about (vocab complaint_subjects)."""

    __tablename__ = "complaints"
    subject_prefix = "complaint"
    noun = "投诉 / complaint"

    received_at: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(40))
    complainant_ref: Mapped[str] = mapped_column(String(200))  # ticket or pseudonymous reference, not PI
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    replied_at: Mapped[date | None] = mapped_column(Date, default=None)
    reply_ref: Mapped[str | None] = mapped_column(String(500), default=None)
