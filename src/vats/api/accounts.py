"""Request identities from credentials: an API token, a session cookie or a calendar-feed secret
becomes a `Principal`. The account services themselves live in `vats.store.accounts` (shared by
the API, the web administration pages and `vats user …`); their names are re-exported here for
callers written against this module.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vats.api.deps import Principal, Role
from vats.store.accounts import (
    MIN_PASSWORD_LENGTH,
    SESSION_LIFETIME,
    TOKEN_PREFIX,
    IssuedToken,
    actor_for_feed,
    actor_for_session,
    actor_for_token,
    authenticate_password,
    close_web_session,
    create_calendar_feed,
    create_token,
    create_user,
    get_user,
    grant,
    granted_organisations,
    hash_password,
    open_web_session,
    revoke_token,
    verify_password,
)
from vats.store.accounts import reset_password as set_password
from vats.store.models import Actor

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SESSION_LIFETIME",
    "TOKEN_PREFIX",
    "IssuedToken",
    "authenticate_password",
    "close_web_session",
    "create_calendar_feed",
    "create_token",
    "create_user",
    "get_user",
    "grant",
    "hash_password",
    "open_web_session",
    "principal_for",
    "principal_from_feed",
    "principal_from_token",
    "revoke_token",
    "set_password",
    "verify_password",
    "web_session",
]


def principal_for(session: Session, actor: Actor, *, via: str) -> Principal:
    """The request identity of an actor: admins see every organisation, others only their grants."""
    role = Role(actor.role)
    orgs = None if role is Role.ADMIN else granted_organisations(session, actor_id=actor.id)
    return Principal(name=actor.name, role=role, actor_id=actor.id, organisations=orgs, via=via)


def principal_from_token(session: Session, secret: str) -> Principal | None:
    actor = actor_for_token(session, secret)
    return None if actor is None else principal_for(session, actor, via="token")


def web_session(session: Session, cookie: str) -> tuple[Principal, str] | None:
    """(principal, csrf token) for a live session cookie of an enabled user; None otherwise."""
    found = actor_for_session(session, cookie)
    return None if found is None else (principal_for(session, found[0], via="session"), found[1])


def principal_from_feed(session: Session, secret: str) -> Principal | None:
    """The owner of a live feed, unless they are disabled (the feed then answers 404)."""
    actor = actor_for_feed(session, secret)
    return None if actor is None else principal_for(session, actor, via="feed")
