"""The copies journey in a real browser: issue a copy from the licence page, open the public
verification page (no login) that the copy's QR points to, revoke the copy, verify again: 已撤销."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import PASSWORD, Server, running_server

pytestmark = pytest.mark.browser
NUMBER = "渝B2-20210467"


@pytest.fixture
def copies_server(tmp_path: Path) -> Iterator[Server]:
    env = {"VATS_AS_OF": "2026-03-01", "VATS_KEY_DIR": str(tmp_path / "keys"), "VATS_KEY_PASSPHRASE": "pw"}
    with running_server(f"sqlite:///{tmp_path / 'vats.db'}", tmp_path, env=env) as srv:
        yield srv


def test_issue_verify_revoke_verify(copies_server: Server, browser, seed_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    with copies_server.client("officer") as c, seed_path.open("rb") as fh:
        assert (
            c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).status_code < 300
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{copies_server.url}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{copies_server.url}/")
    page.goto(f"{copies_server.url}/licences/{NUMBER}")
    page.locator("#issue-copy").click()
    page.get_by_label("接收方").fill("华为应用市场")
    page.get_by_label("用途").fill("上架审核使用")
    page.get_by_label("副本有效期至").fill("2027-01-01")  # after the licence's own expiry: refused
    page.get_by_role("button", name="签发副本").click()
    assert page.get_by_role("alert").filter(has_text="until").is_visible()
    assert page.get_by_label("接收方").input_value() == "华为应用市场"  # what was typed is kept
    page.get_by_label("副本有效期至").fill("2026-09-30")
    page.get_by_role("button", name="签发副本").click()
    page.wait_for_url("**/copies/VC-*", timeout=60_000)
    assert page.locator("#copy-state").inner_text() == "有效"
    verify_href = page.locator("#verify-link").get_attribute("href")
    assert verify_href and verify_href.startswith("/verify/copy?s=VC1.")
    page.screenshot(path=str(artifacts / "copy.png"), full_page=True)

    public = browser.new_context(locale="zh-CN").new_page()  # no login
    public.goto(f"{copies_server.url}{verify_href}")
    assert public.locator("#verdict").inner_text() == "有效"
    assert public.get_by_text("华为应用市场").is_visible()

    page.get_by_label("撤销原因").fill("合作结束")
    page.get_by_role("button", name="立即撤销").click()
    page.wait_for_url("**/copies/VC-*")
    assert page.locator("#copy-state").inner_text() == "已撤销"
    public.reload()
    assert public.locator("#verdict").inner_text() == "已撤销"
    public.screenshot(path=str(artifacts / "verify-revoked.png"), full_page=True)
    page.goto(f"{copies_server.url}/copies?recipient=华为应用市场")
    assert page.locator("td.state-revoked").count() == 1
