"""The main journey in a real browser: log in, upload the reference licence, review and confirm,
see findings and the expired-licence warning, record a disposal case with its due date, download
the calendar, switch language. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from vats.api.testing import PASSWORD, Server

pytestmark = pytest.mark.browser
NUMBER = "渝B2-20210467"


def _login(page, server: Server, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/")
    assert "/login" in page.url  # anonymous users are sent to the login form
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")


def test_officer_journey(web_server: Server, browser, seed_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _login(page, web_server, "officer")

    page.get_by_role("link", name="许可证", exact=True).click()
    page.get_by_role("link", name="上传许可证").click()
    page.get_by_label("许可证文件（文本、PDF、扫描件或照片、OFD）").set_input_files(str(seed_path))
    page.get_by_role("button", name="解析并预览").click()
    page.wait_for_selector("text=确认导入")
    assert page.locator("pre.doc span").count() > 100  # the original, side by side
    page.locator("dd[data-lines]").first.click()  # provenance: highlights the source lines
    assert page.locator("pre.doc span.hl").count() >= 1
    page.screenshot(path=str(artifacts / "preview.png"), full_page=True)
    page.get_by_role("button", name="确认并保存").click()
    page.wait_for_url("**/licences/**")
    assert page.get_by_role("heading", name="问题").is_visible()
    assert page.locator("td.sev-critical, td.sev-high").count() >= 1
    expired = page.get_by_role("alert").filter(has_text="许可证已过期")
    assert expired.is_visible() and "下一步：停止经营所列业务" in expired.inner_text()
    dossiers = expired.get_by_role("link", name="申请材料包").get_attribute("href")
    assert dossiers == f"/dossiers?licence={quote(NUMBER)}"
    page.screenshot(path=str(artifacts / "licence.png"), full_page=True)
    with page.expect_download() as download:  # the compliance report, through the session cookie
        page.get_by_role("link", name="下载合规报告（PDF）").click()
    report = Path(download.value.path())
    assert download.value.suggested_filename.startswith("vats-report-")
    assert report.read_bytes()[:5] == b"%PDF-"
    page.goto(f"{web_server.url}/licences")  # the whole visible portfolio, as a workbook
    with page.expect_download() as sheet:
        page.get_by_role("link", name="XLSX").click()
    assert Path(sheet.value.path()).read_bytes()[:2] == b"PK"
    page.go_back()

    page.get_by_role("link", name="概览").click()
    warning = page.get_by_role("alert").filter(has_text=NUMBER)
    assert warning.is_visible() and "许可证已过期" in warning.inner_text()
    assert page.locator(".card.bad .n").first.inner_text() != "0"
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    page.goto(f"{web_server.url}/registers/cases")
    page.locator("#new-licence").fill(NUMBER)
    page.locator("#new-site").fill("maichetong.com.cn")
    page.locator("#new-content_ref").fill("帖子 42 <b>违法</b>")
    page.locator("#new-category").select_option(index=0)
    page.locator("#new-discovered_at").fill("2026-10-09")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/registers/cases/*")
    assert page.locator("dd").get_by_text("帖子 42 <b>违法</b>").is_visible()  # shown as text, not markup
    page.locator("#dispose-disposed_at").fill("2026-10-10")
    page.locator("#dispose-records_ref").fill("档案柜 3")
    page.get_by_role("button", name="登记处置").click()
    due = page.locator(".due-date")
    assert due.inner_text() == "2026-10-23"
    page.screenshot(path=str(artifacts / "case.png"), full_page=True)

    page.get_by_role("link", name="日历").click()
    assert page.locator(".month [role=gridcell]").count() >= 28
    page.get_by_role("link", name="上个月").click()  # October 2026: the case's report deadline
    assert page.get_by_role("heading", name="日历: 2026-10").is_visible()
    assert page.locator(".month [role=gridcell]").filter(has_text="违法").count() >= 1
    page.screenshot(path=str(artifacts / "calendar.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 ICS").click()
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and NUMBER in ics

    page.get_by_role("link", name="义务").click()
    page.screenshot(path=str(artifacts / "obligations.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    assert page.get_by_role("link", name="Dashboard").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Dashboard").click()
    assert page.get_by_role("alert").filter(has_text="Licence expired").first.is_visible()
    page.screenshot(path=str(artifacts / "dashboard-en.png"), full_page=True)
    page.get_by_role("button", name="中文").click()
    assert page.get_by_role("link", name="概览").is_visible()
    assert errors == []  # CSP violations and script errors show up here
    context.close()


def test_auditor_sees_and_verifies_audit_log(web_server: Server, browser, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1024, "height": 768})  # tablet
    page = context.new_page()
    _login(page, web_server, "auditor")
    page.get_by_role("link", name="审计日志").click()
    page.get_by_role("button", name="校验哈希链").click()
    assert page.get_by_role("status").filter(has_text="哈希链完整").is_visible()
    page.screenshot(path=str(artifacts / "auditlog.png"), full_page=True)
    context.close()


def test_keyboard_only_login(web_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{web_server.url}/login")
    for _ in range(10):  # skip link, brand, language switch, then the form
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "name":
            break
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type("viewer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{web_server.url}/")
    assert page.get_by_role("heading", name="概览").is_visible()
    assert page.get_by_role("link", name="审计日志").count() == 0  # viewers do not read the audit log
    context.close()
