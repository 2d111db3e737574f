"""Workspace tables: evidence files, owners, default owners, waiver requests, the action history,
reminder channels and the reminder sent-log.

Obligations themselves are not stored (the engine derives them); rows here refer to an obligation by
its stable id (`vats.model.obligation_ids`) together with its licence and organisation, so scope
checks need no evaluation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vats.model.clock import now_utc
from vats.store.audit import Audited
from vats.store.base import Base


class EvidenceItem(Audited, Base):
    """One piece of evidence of a completion: an uploaded file (bytes with their SM3 digest) or a
    link to a register record (`record`, e.g. "filing:3")."""

    __tablename__ = "obligation_evidence"
    __audit_digest__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[str] = mapped_column(String(32), index=True)
    licence: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), default=None)
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    media_type: Mapped[str | None] = mapped_column(String(100), default=None)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sm3: Mapped[str | None] = mapped_column(String(64), default=None)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, default=None)
    record: Mapped[str | None] = mapped_column(String(80), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    created_by: Mapped[str] = mapped_column(String(200))


class ObligationOwner(Audited, Base):
    """Who answers for one obligation (overrides the organisation's default owners)."""

    __tablename__ = "obligation_owners"

    obligation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    licence: Mapped[str] = mapped_column(String(64), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DefaultOwner(Audited, Base):
    """The owner of an organisation's obligations of one rule ('' = every rule without its own)."""

    __tablename__ = "default_owners"
    __table_args__ = (UniqueConstraint("organisation_id", "rule_id", name="uq_default_owners_org_rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(100), default="")
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WaiverRequest(Audited, Base):
    """A request to waive an obligation; it takes effect (an `obligation_waived` event) only when a
    second person approves it."""

    __tablename__ = "waiver_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[str] = mapped_column(String(32), index=True)
    licence: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    rule_id: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(String(200), default=None)
    reason: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | rejected
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ObligationAction(Audited, Base):
    """One action taken on an obligation (completed, assigned, waiver requested/approved, reopened),
    in the words shown in its history; `event_id` is the event it recorded, if any."""

    __tablename__ = "obligation_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[str] = mapped_column(String(32), index=True)
    licence: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), default=None)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class ReminderChannel(Audited, Base):
    """A user's preferred reminder channel (email, dingtalk, feishu, wecom) and address."""

    __tablename__ = "reminder_channels"

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ReminderSent(Base):
    """One row per (obligation, stage) ever reminded: inserted before sending, so a restart or a
    second process finds it and sends nothing (the unique key decides who sends)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("obligation_id", "stage", name="uq_reminders_sent_obligation_stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(40))
    licence: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    recipient: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(16), default="")
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class ReminderSetting(Audited, Base):
    """How vats reaches a channel, set up by an admin in the web: the SMTP server (host, port, sender,
    login) or a robot's webhook URL and signing secret. Secrets stay out of the audit log."""

    __tablename__ = "reminder_settings"
    __audit_redact__ = frozenset({"config"})

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
