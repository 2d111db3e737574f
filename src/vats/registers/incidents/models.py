"""The incidents register (网络安全事件): licence provision 八 — contain at once, report immediately."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vats.registers.base import RegisterColumns
from vats.store.audit import Audited
from vats.store.base import Base


class Incident(RegisterColumns, Audited, Base):
    """A major security incident. Times are instants (UTC): "immediately" is measured in hours."""

    __tablename__ = "incidents"
    subject_prefix = "incident"
    noun = "安全事件 / incident"

    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    affected_users: Mapped[int | None] = mapped_column(Integer, default=None)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # when the holder found out: reporting deadlines in hours count from here (else from started_at)
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    contained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    report_ref: Mapped[str | None] = mapped_column(String(200), default=None)
    # follow-up reports to the authority: [{"at": iso, "note": str}], appended in order
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
