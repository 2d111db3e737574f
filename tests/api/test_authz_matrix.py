"""Authorisation matrix: every route of the app × anonymous and every role.

Routes are enumerated from `app.routes`; each declares the roles it admits through its
dependencies (`route_roles`). Anonymous callers get 401 on every non-public route, a role outside
the declared set gets 403, and an admitted role gets anything but 401/403 (404/422 for the dummy
parameters used here are fine: authorisation comes first).
"""

from __future__ import annotations

import re

import pytest

from vats.api.deps import route_table
from vats.api.testing import ROLES, Server

PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")
# Public by design; everything else must demand authentication.
PUBLIC = {
    "/healthz",
    "/readyz",
    "/login",
    "/lang",
    "/calendar/{token}.ics",
    "/verify/copy",
    "/api/v1/copies/verify",
    "/.well-known/vats-keys.json",
}
# Public pages that change state only for the caller (they still check CSRF when logged in).
NOT_MATRIXED = {"/logout"}  # ends the session used by the rest of the matrix


def _fill(path: str) -> str:
    return PARAM.sub(
        lambda m: "999999" if m.group(1).endswith("id") or m.group(1) in {"n", "a", "b"} else "X", path
    )


def _routes() -> list[tuple[str, str, tuple[str, ...] | None]]:
    from vats.api.app import create_app

    table = route_table(create_app(database_url="sqlite://"))
    return [
        (m, path, None if roles is None else tuple(r.value for r in roles))
        for m, path, roles in table
        if path not in NOT_MATRIXED
    ]


ROUTES = list(_routes())


def test_every_non_public_route_declares_roles() -> None:
    undeclared = sorted({path for _m, path, roles in ROUTES if roles is None} - PUBLIC)
    assert undeclared == []
    assert len(ROUTES) > 40


def _call(client, method: str, path: str, *, csrf: str | None = None):  # type: ignore[no-untyped-def]
    url = _fill(path)
    if method == "GET":
        return client.get(url)
    if path.startswith("/api/"):
        headers = {"X-CSRF-Token": csrf} if csrf else {}
        return client.request(method, url, json={}, headers=headers)
    return client.request(method, url, data={"csrf_token": csrf or ""})


@pytest.fixture(scope="module")
def sessions(shared_server: Server) -> dict[str, tuple[object, str]]:
    return {role: shared_server.login(role) for role in ROLES}


@pytest.mark.parametrize(("method", "path", "roles"), ROUTES, ids=[f"{m} {p}" for m, p, _r in ROUTES])
def test_matrix(
    shared_server: Server, sessions, method: str, path: str, roles: tuple[str, ...] | None
) -> None:
    anonymous = shared_server.client()
    status = _call(anonymous, method, path).status_code
    if roles is None:
        assert status != 401, f"public route {path} asked for authentication"
    else:
        assert status == 401, f"anonymous {method} {path} -> {status}"
    for role in ROLES:
        if path.startswith("/api/"):
            client, csrf = shared_server.client(role), None
        else:
            client, csrf = sessions[role]
        status = _call(client, method, path, csrf=csrf).status_code
        if roles is None:
            continue
        if role in roles:
            assert status not in (401, 403), f"{role} refused on {method} {path} ({status})"
        else:
            assert status == 403, f"{role} allowed on {method} {path} ({status})"
