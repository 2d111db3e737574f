"""Administration journey in Debian's Chromium: an admin creates a user, grants one organisation,
logs out; the new user logs in and sees only that organisation's licence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import PASSWORD, Server, running_server
from web.conftest import AS_OF

pytestmark = pytest.mark.browser
SEED_NUMBER = "渝B2-20210467"
OTHER = Path(__file__).resolve().parents[1] / "fixtures" / "licences" / "cross_regional_b1b2.txt"
OTHER_NUMBER = "B1.B2-20190001"


@pytest.fixture(scope="module")
def two_organisations(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Iterator[Server]:
    """The reference licence held by the test organisation, another licence by 乙公司."""
    from vats.store.db import make_engine, session_scope
    from vats.store.licences import import_licence
    from vats.store.organisations import add_organisation, find_organisation

    tmp = tmp_path_factory.mktemp("admin-browser")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}) as srv:
        engine = make_engine(srv.db_url)
        with session_scope(engine, actor="setup") as s:
            first = find_organisation(s, "重庆万象优车科技有限公司").id
            import_licence(s, path=seed_path, organisation_id=first)
            other = add_organisation(s, name="乙公司").id
            import_licence(s, path=OTHER, organisation_id=other)
        engine.dispose()
        yield srv


def _login(page, server: Server, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")


def test_admin_creates_user_grants_organisation_and_user_sees_only_it(  # type: ignore[no-untyped-def]
    two_organisations: Server, browser, tmp_path: Path
) -> None:
    server = two_organisations
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    _login(page, server, "admin", PASSWORD)
    page.get_by_role("link", name="用户管理").click()
    form = page.locator("#create-user")
    form.get_by_label("用户名").fill("王芳")
    form.get_by_label("角色").select_option("viewer")
    form.get_by_label("初始密码").fill("短")
    page.evaluate("document.getElementById('new-password').removeAttribute('minlength')")
    form.get_by_role("button", name="创建用户").click()
    assert page.get_by_role("alert").inner_text() == "密码：密码至少 8 位"
    assert page.locator("#new-name").input_value() == "王芳"  # kept after the error
    assert page.locator("#new-role").input_value() == "viewer"
    page.locator("#new-password").fill("wang fang password")
    form.get_by_role("button", name="创建用户").click()
    assert page.get_by_role("status").inner_text() == "已创建用户：王芳"

    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="王芳"))
    row.get_by_label("组织").select_option(label="乙公司")
    row.get_by_role("button", name="授权").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="王芳"))
    assert row.locator("ul li").all_inner_texts() == ["乙公司 撤销"]
    page.screenshot(path=str(tmp_path / "admin-users.png"), full_page=True)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")

    _login(page, server, "王芳", "wang fang password")
    page.get_by_role("link", name="许可证", exact=True).click()
    listing = page.locator("main").inner_text()
    assert OTHER_NUMBER in listing and SEED_NUMBER not in listing
    assert page.get_by_role("link", name="用户管理").count() == 0  # not an admin
    page.screenshot(path=str(tmp_path / "new-user-licences.png"), full_page=True)
    assert (tmp_path / "new-user-licences.png").stat().st_size > 0
    assert [e for e in errors if "status of 422" not in e] == []  # the refused form is a 422, nothing else
    context.close()
