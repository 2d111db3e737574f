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

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request, Response
from sqlalchemy.orm import Session

from vats.model.errors import InputError, NotFoundError, VatsError
from vats.model.roles import Role as Role  # re-exported: routers import it from here

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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
    if (
        principal.via == "session"
        and request.method not in SAFE_METHODS
        and request.url.path.startswith("/api/")
    ):
        # Browser scripts calling the API with the session cookie must echo the CSRF token.
        expected = getattr(request.state, "csrf_token", None)
        sent = request.headers.get("x-csrf-token")
        if not expected or not sent or not secrets.compare_digest(expected, sent):
            raise Forbidden("missing or wrong X-CSRF-Token / 缺少 CSRF 令牌")
    request.state.principal = principal
    return principal


@dataclass(frozen=True, slots=True)
class RoleRequirement:
    """A dependency that admits only the given roles; `roles` is read by the authorisation-matrix test."""

    roles: tuple[Role, ...]

    def __call__(self, actor: Annotated[Principal, Depends(current_actor)]) -> Principal:
        check_role(actor, self.roles)
        return actor


def check_role(actor: Principal, roles: tuple[Role, ...]) -> None:
    """Forbidden (403) unless the actor's role is one of `roles` (also used where an endpoint function
    is called directly and its dependencies therefore do not run)."""
    if actor.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(f"role {actor.role.value} may not do this (needs {allowed}) / 权限不足")


def require_role(*roles: Role | str) -> RoleRequirement:
    """Dependency factory: `actor: Principal = Depends(require_role(Role.ADMIN, Role.OFFICER))`."""
    if not roles:
        raise ValueError("require_role needs at least one role")
    return RoleRequirement(tuple(Role(r) for r in roles))


def get_session(request: Request, actor: Annotated[Principal, Depends(current_actor)]) -> Iterator[Session]:
    """A Session whose writes are audited under the caller's name and kept to the caller's
    organisations (its `vats.store.scope.Scope`); committed when the handler returns."""
    from vats.store.db import session_scope

    engine = request.app.state.engine
    with session_scope(engine, actor=actor.name, organisations=actor.organisations) as session:
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


_Body = TypeVar("_Body")


def versioned(response: Response, version: int, body: _Body) -> _Body:
    """`body` answered with `version` as its ETag, so the caller's next write can name it in If-Match."""
    response.headers["ETag"] = etag(version)
    return body


MAX_ID = 2_147_483_647  # PostgreSQL INTEGER; larger ids cannot exist
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="record id")]

DbSession = Annotated[Session, Depends(get_session, scope="function")]
Actor = Annotated[Principal, Depends(current_actor)]
Reader = Annotated[Principal, Depends(require_role(*READERS))]
Writer = Annotated[Principal, Depends(require_role(*WRITERS))]
AuditReader = Annotated[Principal, Depends(require_role(*AUDIT_READERS))]
Admin = Annotated[Principal, Depends(require_role(*ADMINS))]
ExpectedVersion = Annotated[int | None, Depends(if_match_version)]


def route_roles(dependant: Any) -> tuple[Role, ...] | None:
    """Roles a route admits, read from its dependency tree (None: public, no authentication).

    A route that only needs an authenticated caller admits every role. This is what the OpenAPI
    `x-required-roles` extension publishes and what the authorisation-matrix test checks.
    """
    found: tuple[Role, ...] | None = None
    stack = [dependant]
    while stack:
        dep = stack.pop()
        call = getattr(dep, "call", None)
        if isinstance(call, RoleRequirement):
            found = call.roles if found is None else tuple(r for r in found if r in call.roles)
        elif call is current_actor and found is None:
            found = READERS
        stack.extend(getattr(dep, "dependencies", ()))
    return found


def route_table(app: Any) -> list[tuple[str, str, tuple[Role, ...] | None]]:
    """(method, path, roles) for every API route of an app, flattened through included routers."""
    from fastapi.routing import iter_route_contexts

    table: list[tuple[str, str, tuple[Role, ...] | None]] = []
    for ctx in iter_route_contexts(app.routes):
        dependant = getattr(ctx, "dependant", None)
        methods = ctx.methods or set()
        if dependant is None or ctx.path is None:
            continue  # static mounts and plain Starlette routes
        roles = route_roles(dependant)
        table.extend((m, ctx.path, roles) for m in sorted(methods - {"HEAD"}))
    return table
