"""FastAPI dependencies every router shares: who is asking, may they, and a database session.

Register teams write their routers against this module only, so the way a request is
authenticated (cookie session or API token) can change without touching them.

Usage in a router::

    from vats.api.deps import DbSession, Reader, Writer, if_match_version

    @router.get("/{case_id}")
    def read_case(case_id: int, session: DbSession, actor: Reader) -> CaseOut: ...

    @router.post("")
    def create_case(body: CaseIn, session: DbSession, actor: Writer) -> CaseOut: ...

`DbSession` MUST be used (not a bare `Depends(get_session)`): it runs the session's commit
before the response is sent, so a stale write becomes a 409 instead of a silent 200.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from vats.model.errors import InputError, NotFoundError, VatsError


class Role(StrEnum):
    """The four roles. Writes to registers: admin, officer. The audit log: admin, auditor."""

    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"
    AUDITOR = "auditor"


READERS: tuple[Role, ...] = (Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.AUDITOR)
WRITERS: tuple[Role, ...] = (Role.ADMIN, Role.OFFICER)
AUDIT_READERS: tuple[Role, ...] = (Role.ADMIN, Role.AUDITOR)
ADMINS: tuple[Role, ...] = (Role.ADMIN,)


class NotAuthenticated(VatsError):
    """No valid session cookie or API token came with the request (HTTP 401)."""


class Forbidden(VatsError):
    """The actor is authenticated but their role does not allow this endpoint (HTTP 403)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller. `organisations` is None for admins (they see every organisation)."""

    name: str
    role: Role
    actor_id: int | None = None
    organisations: frozenset[int] | None = None
    via: str = "session"  # "session" (browser cookie) or "token" (API bearer token)

    def can_see(self, organisation_id: int | None) -> bool:
        """Records without an organisation are visible to everyone; others need a grant."""
        if self.organisations is None or organisation_id is None:
            return True
        return organisation_id in self.organisations

    def check_visible(self, organisation_id: int | None, *, what: str = "record") -> None:
        """Raise NotFoundError (404, never 403) so another organisation's data cannot be probed."""
        if not self.can_see(organisation_id):
            raise NotFoundError(f"{what} not found / 未找到")

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS


Authenticator = Callable[[Request], Principal | None]


def current_actor(request: Request) -> Principal:
    """The caller, resolved once per request by the app's authenticator (cookie or bearer token).

    The authenticator is installed on `app.state.authenticate` by `vats.api.app.create_app`; tests of
    a single router may install their own.
    """
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    authenticate: Authenticator | None = getattr(request.app.state, "authenticate", None)
    principal = authenticate(request) if authenticate is not None else None
    if principal is None:
        raise NotAuthenticated("authentication required / 需要登录或 API 令牌")
    request.state.principal = principal
    return principal


@dataclass(frozen=True, slots=True)
class RoleRequirement:
    """A dependency that admits only the given roles; `roles` is read by the authorisation-matrix test."""

    roles: tuple[Role, ...]

    def __call__(self, actor: Annotated[Principal, Depends(current_actor)]) -> Principal:
        if actor.role not in self.roles:
            allowed = ", ".join(r.value for r in self.roles)
            raise Forbidden(f"role {actor.role.value} may not do this (needs {allowed}) / 权限不足")
        return actor


def require_role(*roles: Role | str) -> RoleRequirement:
    """Dependency factory: `actor: Principal = Depends(require_role(Role.ADMIN, Role.OFFICER))`."""
    if not roles:
        raise ValueError("require_role needs at least one role")
    return RoleRequirement(tuple(Role(r) for r in roles))


def get_session(request: Request, actor: Annotated[Principal, Depends(current_actor)]) -> Iterator[Session]:
    """A Session whose writes are audited under the caller's name; committed when the handler returns.

    `session.info["principal"]` carries the full Principal so services can filter by organisation.
    """
    from vats.store.db import session_scope

    engine = request.app.state.engine
    with session_scope(engine, actor=actor.name) as session:
        session.info["principal"] = actor
        session.info["visible_organisations"] = actor.organisations
        yield session


def if_match_version(request: Request) -> int | None:
    """The record version a client expects, from `If-Match: "7"` (or W/"7"); None when absent.

    Handlers compare it with the stored version and raise `PreconditionFailed` (412) on mismatch;
    a concurrent write detected by the version column at flush time is a 409.
    """
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    tag = raw.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise InputError(f'If-Match must be a version ETag such as "3", got {raw!r}', field="If-Match")
    return int(tag)


def etag(version: int) -> str:
    """The ETag header value for a record version (the inverse of `if_match_version`)."""
    return f'"{version}"'


DbSession = Annotated[Session, Depends(get_session, scope="function")]
Actor = Annotated[Principal, Depends(current_actor)]
Reader = Annotated[Principal, Depends(require_role(*READERS))]
Writer = Annotated[Principal, Depends(require_role(*WRITERS))]
AuditReader = Annotated[Principal, Depends(require_role(*AUDIT_READERS))]
Admin = Annotated[Principal, Depends(require_role(*ADMINS))]
ExpectedVersion = Annotated[int | None, Depends(if_match_version)]
