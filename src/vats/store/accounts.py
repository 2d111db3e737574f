"""Account services: users, passwords, organisation grants, API tokens, browser sessions and
calendar feeds. The API, the web administration pages and `vats user …` all call these functions,
so a rule such as "a new password ends every other session" holds whichever way it is used.

Passwords are argon2id hashes (slow on purpose: they are guessable); session ids and tokens are
256-bit random values stored as SHA-256 digests (fast lookup, and useless if the database leaks).
Changes to users, grants, tokens and feeds reach the audit log through the flush hook; sessions are
not audited rows, so ending one is logged explicitly (`web_sessions`, action `delete`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vats.model.clock import now_utc
from vats.model.errors import ConflictError, InputError, NotFoundError
from vats.model.roles import Role
from vats.store.models import Actor, Organisation
from vats.store.scope import scope_of
from vats.store.web import ApiToken, CalendarFeed, OrgGrant, WebSession

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "vats_"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1000
MAX_NAME_LENGTH = 200


def _now() -> datetime:
    return now_utc()


def _aware(at: datetime) -> datetime:
    """SQLite hands back naive datetimes; vats only ever stores UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def digest(secret: str) -> str:
    """The stored form of a session id or token (SHA-256 hex)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


# --- passwords --------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash; refuses passwords too short to be worth hashing or too long to hash."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters / "
            f"密码至少 {MIN_PASSWORD_LENGTH} 位",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(
            f"password longer than {MAX_PASSWORD_LENGTH} characters / 密码过长", field="password"
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


class _LazyHash:
    """A real argon2 hash computed on first use, so unknown users cost as much as known ones."""

    def __init__(self) -> None:
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            self._value = str(_hasher().hash(secrets.token_hex(16)))
        return self._value


_DUMMY_HASH = _LazyHash()


def authenticate_password(session: Session, *, name: str, password: str) -> Actor | None:
    """The actor when name and password match and the account is enabled; None otherwise.

    Unknown and disabled users cost one argon2 verification like everyone else, so the answer time
    does not tell which names exist."""
    actor = session.scalar(select(Actor).where(Actor.name == name))
    if actor is None:
        verify_password(_DUMMY_HASH.value(), password)
        return None
    matches = verify_password(actor.password_hash, password)
    return actor if matches and not actor.disabled else None


# --- users ------------------------------------------------------------------------------------


def get_user(session: Session, name: str) -> Actor:
    actor = session.scalar(select(Actor).where(Actor.name == name))
    if actor is None:
        raise NotFoundError(f"no such user: {name} / 用户不存在", field="name")
    return actor


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role {role!r} ({allowed}) / 角色无效", field="role") from None


def list_users(session: Session) -> list[Actor]:
    """People who can log in (system actors such as the scheduler have no password)."""
    return list(session.scalars(select(Actor).where(Actor.kind == "human").order_by(Actor.name)))


def create_user(session: Session, *, name: str, role: Role | str, password: str) -> Actor:
    """A local user with a role; the name must be new."""
    checked = _role(role)
    name = name.strip()
    if not name:
        raise InputError("user name must not be empty / 用户名不能为空", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InputError(f"user name longer than {MAX_NAME_LENGTH} characters / 用户名过长", field="name")
    if session.scalar(select(Actor).where(Actor.name == name)) is not None:
        raise ConflictError(f"user {name} already exists / 用户已存在", field="name")
    actor = Actor(name=name, role=checked.value, password_hash=hash_password(password))
    session.add(actor)
    session.flush()
    return actor


def set_role(session: Session, *, name: str, role: Role | str) -> Actor:
    actor = get_user(session, name)
    actor.role = _role(role).value
    session.flush()
    return actor


def disable(session: Session, *, name: str) -> Actor:
    """The user can no longer log in; their sessions end and tokens and feeds stop answering."""
    actor = get_user(session, name)
    actor.disabled = True
    session.flush()
    end_sessions(session, actor_id=actor.id)
    return actor


def enable(session: Session, *, name: str) -> Actor:
    actor = get_user(session, name)
    actor.disabled = False
    session.flush()
    return actor


def reset_password(session: Session, *, name: str, password: str) -> Actor:
    """An administrator sets a user's password: every session, token and feed of theirs ends."""
    actor = get_user(session, name)
    actor.password_hash = hash_password(password)
    session.flush()
    revoke_credentials(session, actor_id=actor.id)
    return actor


def change_password(
    session: Session, *, name: str, current: str, new: str, keep_session: str | None = None
) -> Actor:
    """A user changes their own password: the current one must match. Every other session, token and
    feed ends (`keep_session` is the cookie of the browser making the change)."""
    actor = get_user(session, name)
    if not verify_password(actor.password_hash, current):
        raise InputError("current password is wrong / 当前密码不正确", field="current_password")
    actor.password_hash = hash_password(new)
    session.flush()
    revoke_credentials(session, actor_id=actor.id, keep_session=keep_session)
    return actor


def revoke_credentials(session: Session, *, actor_id: int, keep_session: str | None = None) -> None:
    """End the actor's sessions (but `keep_session`) and revoke their API tokens and calendar feeds."""
    now = _now()
    end_sessions(session, actor_id=actor_id, keep=keep_session)
    tokens = select(ApiToken).where(ApiToken.actor_id == actor_id, ApiToken.revoked_at.is_(None))
    feeds = select(CalendarFeed).where(CalendarFeed.actor_id == actor_id, CalendarFeed.revoked_at.is_(None))
    for row in [*session.scalars(tokens), *session.scalars(feeds)]:
        row.revoked_at = now  # one by one, so each revocation is audited
    session.flush()


# --- organisation grants ----------------------------------------------------------------------


def grant(session: Session, *, name: str, organisation_id: int) -> OrgGrant:
    """Let a user see one organisation (idempotent)."""
    actor = get_user(session, name)
    if session.get(Organisation, organisation_id) is None:
        raise NotFoundError(f"organisation {organisation_id} not found / 组织不存在", field="organisation")
    existing = session.scalar(
        select(OrgGrant).where(OrgGrant.actor_id == actor.id, OrgGrant.organisation_id == organisation_id)
    )
    if existing is not None:
        return existing
    row = OrgGrant(actor_id=actor.id, organisation_id=organisation_id, created_at=_now())
    session.add(row)
    session.flush()
    return row


def revoke_grant(session: Session, *, name: str, organisation_id: int) -> None:
    """Take an organisation away from a user; a grant that does not exist is a 404 naming it."""
    actor = get_user(session, name)
    row = session.scalar(
        select(OrgGrant).where(OrgGrant.actor_id == actor.id, OrgGrant.organisation_id == organisation_id)
    )
    if row is None:
        raise NotFoundError(
            f"{name} has no grant for organisation {organisation_id} / 该用户没有此组织的授权",
            field="organisation",
        )
    session.delete(row)
    session.flush()


def granted_organisations(session: Session, *, actor_id: int) -> frozenset[int]:
    return frozenset(session.scalars(select(OrgGrant.organisation_id).where(OrgGrant.actor_id == actor_id)))


def grants_by_user(session: Session) -> dict[int, list[Organisation]]:
    """actor id → the organisations granted to them (for the administration page)."""
    rows = session.execute(
        select(OrgGrant.actor_id, Organisation)
        .join(Organisation, Organisation.id == OrgGrant.organisation_id)
        .order_by(Organisation.name)
    )
    out: dict[int, list[Organisation]] = {}
    for actor_id, org in rows:
        out.setdefault(actor_id, []).append(org)
    return out


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
        actor_id=actor.id, name=name, token_hash=digest(secret), prefix=secret[:12], created_at=_now()
    )
    session.add(row)
    session.flush()
    return IssuedToken(id=row.id, name=name, prefix=row.prefix, secret=secret)


def revoke_token(session: Session, *, user: str, token_id: int) -> None:
    actor = get_user(session, user)
    row = session.get(ApiToken, token_id)
    if row is None or row.actor_id != actor.id:
        raise NotFoundError(f"no token {token_id} for {user}", field="token")
    row.revoked_at = _now()
    session.flush()


def _enabled(session: Session, actor_id: int) -> Actor | None:
    actor = session.get(Actor, actor_id)
    return None if actor is None or actor.disabled else actor


def actor_for_token(session: Session, secret: str) -> Actor | None:
    """The enabled owner of a live API token."""
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )
    return None if row is None else _enabled(session, row.actor_id)


# --- browser sessions -------------------------------------------------------------------------


def open_web_session(session: Session, actor: Actor) -> tuple[str, str]:
    """Start a browser session; returns (cookie value, CSRF token). Expired sessions are swept."""
    now = _now()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=digest(cookie),
            actor_id=actor.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return cookie, csrf


def actor_for_session(session: Session, cookie: str) -> tuple[Actor, str] | None:
    """(enabled actor, CSRF token) for a live session cookie; None when unknown or expired."""
    row = session.get(WebSession, digest(cookie))
    if row is None or _aware(row.expires_at) < _now():
        return None
    actor = _enabled(session, row.actor_id)
    return None if actor is None else (actor, row.csrf_token)


def close_web_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == digest(cookie)))


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live browser session as listed to its owner or an administrator. `handle` identifies it
    in revoke requests (the stored digest: knowing it does not let anyone log in)."""

    handle: str
    user: str
    created_at: datetime
    expires_at: datetime
    current: bool


def list_sessions(
    session: Session, *, user: str | None = None, current: str | None = None
) -> list[SessionInfo]:
    """Live sessions, newest first: one user's, or everyone's when `user` is None.
    `current` is the caller's cookie, so their own session can be marked."""
    query = (
        select(WebSession, Actor.name)
        .join(Actor, Actor.id == WebSession.actor_id)
        .where(WebSession.expires_at >= _now())
        .order_by(WebSession.created_at.desc())
    )
    if user is not None:
        query = query.where(WebSession.actor_id == get_user(session, user).id)
    mine = digest(current) if current else None
    return [
        SessionInfo(
            handle=row.id,
            user=name,
            created_at=_aware(row.created_at),
            expires_at=_aware(row.expires_at),
            current=row.id == mine,
        )
        for row, name in session.execute(query)
    ]


def revoke_session(session: Session, *, handle: str, user: str | None = None) -> None:
    """End one session. With `user`, only that user's sessions can be named (anyone else's answers
    exactly like a missing one)."""
    row = session.get(WebSession, handle)
    if row is None or (user is not None and row.actor_id != get_user(session, user).id):
        raise NotFoundError("no such session / 会话不存在", field="session")
    _log_ended(session, [row])
    session.delete(row)
    session.flush()


def end_sessions(session: Session, *, actor_id: int, keep: str | None = None) -> int:
    """End every session of an actor except the one whose cookie is `keep`; returns how many."""
    query = select(WebSession).where(WebSession.actor_id == actor_id)
    if keep:
        query = query.where(WebSession.id != digest(keep))
    rows = list(session.scalars(query))
    if rows:
        _log_ended(session, rows)
        session.execute(delete(WebSession).where(WebSession.id.in_([r.id for r in rows])))
    return len(rows)


def _log_ended(session: Session, rows: list[WebSession]) -> None:
    from vats.store.auditlog import Change, append

    changes = [
        Change(
            entity="web_sessions",
            entity_id=str(row.actor_id),
            action="delete",
            before={"actor_id": row.actor_id, "created_at": _aware(row.created_at).isoformat()},
            after=None,
        )
        for row in rows
    ]
    append(session.connection(), actor=scope_of(session).actor, changes=changes)


# --- calendar feeds ---------------------------------------------------------------------------


def create_calendar_feed(session: Session, *, actor_id: int) -> str:
    """A new secret feed token for the user (older feeds keep working until revoked)."""
    secret = secrets.token_urlsafe(24)
    session.add(CalendarFeed(actor_id=actor_id, token_hash=digest(secret), created_at=_now()))
    session.flush()
    return secret


def actor_for_feed(session: Session, secret: str) -> Actor | None:
    """The enabled owner of a live calendar feed."""
    row = session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == digest(secret), CalendarFeed.revoked_at.is_(None)
        )
    )
    return None if row is None else _enabled(session, row.actor_id)
