"""Users, passwords, API tokens, browser sessions and calendar-feed tokens: the account services
behind `vats user …`, the login form and request authentication.

Passwords are argon2id hashes (slow on purpose: they are guessable); session ids and tokens are
256-bit random values stored as SHA-256 digests (fast lookup, and useless if the database leaks).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vats.api.deps import Principal, Role
from vats.model.clock import now_utc
from vats.model.errors import ConflictError, InputError, NotFoundError
from vats.store.models import Actor
from vats.store.web import ApiToken, CalendarFeed, OrgGrant, WebSession

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "vats_"
MIN_PASSWORD_LENGTH = 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash; refuses passwords too short to be worth hashing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters / "
            f"密码至少 {MIN_PASSWORD_LENGTH} 位",
            field="password",
        )
    return str(_hasher().hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; never raises for a wrong or malformed hash."""
    from argon2.exceptions import Argon2Error, InvalidHashError

    if not password_hash:
        return False
    try:
        return bool(_hasher().verify(password_hash, password))
    except (Argon2Error, InvalidHashError):
        return False


def get_user(session: Session, name: str) -> Actor:
    actor = session.scalar(select(Actor).where(Actor.name == name))
    if actor is None:
        raise NotFoundError(f"no such user: {name} / 用户不存在", field="name")
    return actor


def create_user(session: Session, *, name: str, role: Role | str, password: str) -> Actor:
    """A local user with a role; the name must be new."""
    role = Role(role)
    name = name.strip()
    if not name:
        raise InputError("user name must not be empty / 用户名不能为空", field="name")
    if session.scalar(select(Actor).where(Actor.name == name)) is not None:
        raise ConflictError(f"user {name} already exists / 用户已存在", field="name")
    actor = Actor(name=name, role=role.value, password_hash=hash_password(password))
    session.add(actor)
    session.flush()
    return actor


def set_password(session: Session, *, name: str, password: str) -> None:
    get_user(session, name).password_hash = hash_password(password)
    session.flush()


def grant(session: Session, *, name: str, organisation_id: int) -> OrgGrant:
    """Let a user see one organisation (idempotent)."""
    actor = get_user(session, name)
    existing = session.scalar(
        select(OrgGrant).where(OrgGrant.actor_id == actor.id, OrgGrant.organisation_id == organisation_id)
    )
    if existing is not None:
        return existing
    row = OrgGrant(actor_id=actor.id, organisation_id=organisation_id, created_at=now_utc())
    session.add(row)
    session.flush()
    return row


def principal_for(session: Session, actor: Actor, *, via: str) -> Principal:
    """The request identity of an actor: admins see every organisation, others only their grants."""
    role = Role(actor.role)
    orgs: frozenset[int] | None = None
    if role is not Role.ADMIN:
        orgs = frozenset(
            session.scalars(select(OrgGrant.organisation_id).where(OrgGrant.actor_id == actor.id))
        )
    return Principal(name=actor.name, role=role, actor_id=actor.id, organisations=orgs, via=via)


def authenticate_password(session: Session, *, name: str, password: str) -> Actor | None:
    """The actor when name and password match; None otherwise (same answer for unknown users)."""
    actor = session.scalar(select(Actor).where(Actor.name == name))
    if actor is None:
        verify_password(_DUMMY_HASH.value(), password)  # equalise timing for unknown names
        return None
    if getattr(actor, "disabled", False):
        return None
    return actor if verify_password(actor.password_hash, password) else None


class _LazyHash:
    """A real argon2 hash computed on first use, so unknown users cost as much as known ones."""

    def __init__(self) -> None:
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            self._value = str(_hasher().hash(secrets.token_hex(16)))
        return self._value


_DUMMY_HASH = _LazyHash()


# --- API tokens -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly created token: `secret` is shown once and never stored."""

    id: int
    name: str
    prefix: str
    secret: str


def create_token(session: Session, *, user: str, name: str = "default") -> IssuedToken:
    actor = get_user(session, user)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        actor_id=actor.id, name=name, token_hash=_digest(secret), prefix=secret[:12], created_at=now_utc()
    )
    session.add(row)
    session.flush()
    return IssuedToken(id=row.id, name=name, prefix=row.prefix, secret=secret)


def revoke_token(session: Session, *, user: str, token_id: int) -> None:
    actor = get_user(session, user)
    row = session.get(ApiToken, token_id)
    if row is None or row.actor_id != actor.id:
        raise NotFoundError(f"no token {token_id} for {user}", field="token")
    row.revoked_at = now_utc()
    session.flush()


def principal_from_token(session: Session, secret: str) -> Principal | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    actor = session.get(Actor, row.actor_id)
    if actor is None or getattr(actor, "disabled", False):
        return None
    return principal_for(session, actor, via="token")


# --- browser sessions -------------------------------------------------------------------------


def open_web_session(session: Session, actor: Actor) -> tuple[str, str]:
    """Start a browser session; returns (cookie value, CSRF token). Expired sessions are swept."""
    now = now_utc()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=_digest(cookie),
            actor_id=actor.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return cookie, csrf


def web_session(session: Session, cookie: str) -> tuple[Principal, str] | None:
    """(principal, csrf token) for a live session cookie; None when unknown or expired."""
    row = session.get(WebSession, _digest(cookie))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires < now_utc():
        return None
    actor = session.get(Actor, row.actor_id)
    if actor is None or getattr(actor, "disabled", False):
        return None
    return principal_for(session, actor, via="session"), row.csrf_token


def close_web_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == _digest(cookie)))


# --- calendar feeds ---------------------------------------------------------------------------


def create_calendar_feed(session: Session, *, actor_id: int) -> str:
    """A new secret feed token for the user (older feeds keep working until revoked)."""
    secret = secrets.token_urlsafe(24)
    session.add(CalendarFeed(actor_id=actor_id, token_hash=_digest(secret), created_at=now_utc()))
    session.flush()
    return secret


def principal_from_feed(session: Session, secret: str) -> Principal | None:
    row = session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == _digest(secret), CalendarFeed.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    actor = session.get(Actor, row.actor_id)
    return None if actor is None else principal_for(session, actor, via="feed")
