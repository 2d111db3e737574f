"""Tables of the web layer: browser sessions, API tokens, calendar feeds, organisation grants and
the notification log.

Secrets (session ids, API tokens, feed tokens) are stored only as SHA-256 digests: they are 256-bit
random values, so a fast digest is enough to make a leaked database useless for logging in, and it
lets a request be authenticated with one indexed lookup (argon2 is kept for human passwords).
Web sessions are deliberately NOT audited (they change on every request and would flood the trail);
grants and tokens are, because they change who may do what.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vats.store.audit import Audited
from vats.store.base import Base


class ApiToken(Audited, Base):
    """A bearer token for scripts; it acts with its owner's role and organisation grants."""

    __tablename__ = "api_tokens"
    __audit_redact__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings so a user can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WebSession(Base):
    """A logged-in browser. `id` is the SHA-256 of the cookie value; the CSRF token is per session."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CalendarFeed(Audited, Base):
    """A secret per-user URL (`/calendar/<token>.ics`) that calendar apps can subscribe to."""

    __tablename__ = "calendar_feeds"
    __audit_redact__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OrgGrant(Audited, Base):
    """Actor may see (and, with a writing role, change) this organisation's data."""

    __tablename__ = "org_grants"
    __table_args__ = (UniqueConstraint("actor_id", "organisation_id", name="uq_org_grants_actor_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationLog(Base):
    """One row per (obligation or check, status) ever notified: the guard against repeat sends.

    The unique key is what makes `notify.dispatch` idempotent: a second run inserts nothing new and
    sends nothing. `channels` records where it went and `error` what failed (for a later retry).
    """

    __tablename__ = "notification_log"
    __table_args__ = (UniqueConstraint("subject_key", "status", name="uq_notification_log_subject_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(500))  # Obligation.key or "check:<domain>"
    status: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channels: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text, default=None)
