"""Account administration in the web against a real server: admin only and CSRF-checked; forms keep
what was typed and name the field in Chinese; a password change keeps only the browser that made
it; sessions are listed and ended within scope; every change is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from vats.api.testing import PASSWORD, Server, running_server
from web.conftest import AS_OF


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("admin")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}) as srv:
        yield srv


def _audit(server: Server, entity: str) -> list[tuple[str, str]]:
    from vats.store.db import make_engine

    engine = make_engine(server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, action FROM audit_log WHERE entity = :e ORDER BY id"), {"e": entity}
        ).all()
    engine.dispose()
    return [(str(a), str(b)) for a, b in rows]


def _create(client: httpx.Client, csrf: str, name: str, role: str, password: str) -> httpx.Response:
    return client.post(
        "/admin/users", data={"csrf_token": csrf, "name": name, "role": role, "password": password}
    )


def test_only_admins_administer_and_csrf_is_checked(server: Server) -> None:
    officer, csrf = server.login("officer")
    assert officer.get("/admin/users").status_code == 403
    assert _create(officer, csrf, "mallory", "admin", "long enough pass").status_code == 403
    admin, _admin_csrf = server.login("admin")
    assert admin.get("/admin/users").status_code == 200
    forged = admin.post("/admin/users", data={"name": "x", "role": "viewer", "password": "long enough pass"})
    assert forged.status_code == 403
    assert "mallory" not in admin.get("/admin/users").text


def test_refused_form_keeps_what_was_typed_and_names_the_field(server: Server) -> None:
    admin, csrf = server.login("admin")
    no_role = _create(admin, csrf, "小王", "", "long enough pass")
    assert no_role.status_code == 422 and "角色：请选择角色" in no_role.text
    assert 'value="小王"' in no_role.text
    short = _create(admin, csrf, "小王", "officer", "short")
    assert short.status_code == 422 and "密码：密码至少 8 位" in short.text
    assert 'value="小王"' in short.text and re.search(r'value="officer"\s+selected', short.text)
    assert "short" not in short.text  # passwords are never echoed
    taken = _create(admin, csrf, "viewer", "viewer", "long enough pass")
    assert taken.status_code == 422 and "用户名：用户已存在" in taken.text
    self_disable = admin.post("/admin/users/disable", data={"csrf_token": csrf, "user": "admin"})
    assert self_disable.status_code == 422 and "用户名：" in self_disable.text
    self_demote = admin.post(
        "/admin/users/role", data={"csrf_token": csrf, "user": "admin", "role": "viewer"}
    )
    assert self_demote.status_code == 422 and "角色：不能取消自己的管理员角色" in self_demote.text
    unknown = admin.post(
        "/admin/users/grants", data={"csrf_token": csrf, "user": "viewer", "organisation": "999"}
    )
    assert unknown.status_code == 404 and "组织：组织不存在" in unknown.text


def test_create_grant_role_disable_are_audited(server: Server) -> None:
    admin, csrf = server.login("admin")
    created = _create(admin, csrf, "zhang", "viewer", "zhang password")
    assert created.status_code == 200 and "已创建用户：zhang" in created.text
    assert (
        admin.post(
            "/admin/users/grants", data={"csrf_token": csrf, "user": "zhang", "organisation": "1"}
        ).status_code
        == 200
    )
    assert (
        admin.post(
            "/admin/users/role", data={"csrf_token": csrf, "user": "zhang", "role": "officer"}
        ).status_code
        == 200
    )
    zhang, _zcsrf = server.login("zhang", "zhang password")
    assert zhang.get("/api/v1/me").json()["organisations"] == [1]
    assert (
        admin.post(
            "/admin/users/grants/revoke", data={"csrf_token": csrf, "user": "zhang", "organisation": "1"}
        ).status_code
        == 200
    )
    assert zhang.get("/api/v1/me").json() == {
        "name": "zhang",
        "role": "officer",
        "organisations": [],
        "via": "session",
    }
    assert admin.post("/admin/users/disable", data={"csrf_token": csrf, "user": "zhang"}).status_code == 200
    assert zhang.get("/api/v1/me").status_code == 401  # the disabled user's session ended
    assert ("admin", "insert") in _audit(server, "actors")
    assert ("admin", "update") in _audit(server, "actors")
    assert {("admin", "insert"), ("admin", "delete")} <= set(_audit(server, "org_grants"))
    assert ("admin", "delete") in _audit(server, "web_sessions")


def test_password_change_keeps_this_browser_and_ends_the_rest(server: Server) -> None:
    from vats.store import accounts
    from vats.store.db import make_engine, session_scope

    engine = make_engine(server.db_url)
    with session_scope(engine, actor="setup") as s:
        accounts.create_user(s, name="li", role="viewer", password=PASSWORD)
        token = accounts.create_token(s, user="li").secret
    engine.dispose()
    here, csrf = server.login("li")
    there, _other = server.login("li")
    form = {
        "csrf_token": csrf,
        "current_password": "wrong password",
        "new_password": "new secret 1",
        "repeat": "new secret 1",
    }
    wrong = here.post("/account/password", data=form)
    assert wrong.status_code == 422 and "当前密码：当前密码不正确" in wrong.text
    differ = here.post("/account/password", data={**form, "current_password": PASSWORD, "repeat": "other"})
    assert differ.status_code == 422 and "再次输入新密码：" in differ.text
    changed = here.post(
        "/account/password", data={**form, "current_password": PASSWORD}, follow_redirects=True
    )
    assert changed.status_code == 200 and "密码已修改" in changed.text
    assert here.get("/api/v1/me").status_code == 200
    assert there.get("/api/v1/me").status_code == 401
    bearer = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 401
    server.login("li", "new secret 1")


def test_sessions_are_listed_and_ended_within_scope(server: Server) -> None:
    viewer, csrf = server.login("viewer")
    second, _csrf2 = server.login("viewer")
    auditor, _acsrf = server.login("auditor")
    own = viewer.get("/account/sessions").text
    assert "当前会话" in own and own.count('name="handle"') >= 1
    handles = re.findall(r'name="handle" value="([0-9a-f]{64})"', own)
    admin, admin_csrf = server.login("admin")
    every = admin.get("/account/sessions").text
    foreign = [h for h in re.findall(r'name="handle" value="([0-9a-f]{64})"', every) if h not in handles]
    assert foreign  # the auditor's session, among others
    refused = viewer.post("/account/sessions/revoke", data={"csrf_token": csrf, "handle": foreign[0]})
    assert refused.status_code == 404
    for handle in handles:
        assert (
            viewer.post("/account/sessions/revoke", data={"csrf_token": csrf, "handle": handle}).status_code
            == 200
        )
    assert second.get("/api/v1/me").status_code == 401
    assert viewer.get("/api/v1/me").status_code == 200
    assert auditor.get("/api/v1/me").status_code == 200
    ended = admin.post("/account/sessions/revoke", data={"csrf_token": admin_csrf, "handle": foreign[0]})
    assert ended.status_code == 200
