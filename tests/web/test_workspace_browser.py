"""Browser journeys of the obligation workspace (Playwright, Debian Chromium, real server): closing the
overdue annual report [2025] with a PDF and watching the dashboard's overdue count drop, recording the
PI self-inspection, and a waiver that needs a second person."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.api.testing import PASSWORD, Server

pytestmark = pytest.mark.browser
NUMBER = "渝B2-20210467"


def _page(browser, server: Server, name: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")
    return page


@pytest.fixture(scope="module")
def imported(web_server: Server, seed_path: Path) -> Server:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        assert (
            c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).status_code == 201
        )
    return web_server


def _overdue(page) -> int:  # type: ignore[no-untyped-def]
    card = page.locator("a.card", has_text="逾期义务")
    return int(card.locator(".n").inner_text())


def _open(page, server: Server, title: str, subject: str | None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/obligations?status=overdue&licence={NUMBER}")
    row = page.locator("tr", has_text=title)
    if subject is not None:
        row = row.filter(has_text=f"({subject})")
    row.get_by_role("link", name=title).click()
    page.wait_for_url("**/obligations/ob-*")


def test_complete_annual_report_with_pdf(imported: Server, browser, tmp_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, imported, "officer")
    before = _overdue(page)
    _open(page, imported, "经营许可证年报", "2025")
    page.get_by_label("完成日期").fill("2026-03-20")
    page.get_by_label("说明").fill("已通过系统报送")
    page.get_by_role("button", name="记录完成").click()
    alert = page.get_by_role("alert")
    assert "证据文件" in alert.inner_text()  # the field's Chinese label, not an internal name
    assert page.get_by_label("完成日期").input_value() == "2026-03-20"  # what was typed is kept
    assert page.get_by_label("说明").input_value() == "已通过系统报送"
    receipt = tmp_path / "年报回执.pdf"
    receipt.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("证据文件").set_input_files(str(receipt))
    page.get_by_role("button", name="记录完成").click()
    page.wait_for_selector("dd[data-status=done]")
    assert page.get_by_role("link", name="年报回执.pdf").is_visible()
    page.screenshot(path=str(artifacts / "obligation-done.png"), full_page=True)
    page.get_by_role("link", name="概览").click()
    assert _overdue(page) == before - 1
    page.screenshot(path=str(artifacts / "dashboard-after-completion.png"), full_page=True)


def test_record_pi_self_inspection(imported: Server, browser, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, imported, "officer")
    _open(page, imported, "用户个人信息保护年度自查", "2025")
    assert page.get_by_text("此义务的规则允许无附件完成").is_visible()
    page.get_by_label("完成日期").fill("2026-10-30")
    page.get_by_role("button", name="记录完成").click()
    page.wait_for_selector("dd[data-status=done]")
    assert page.get_by_text("已完成（无附件，规则允许）").is_visible()
    page.screenshot(path=str(artifacts / "pi-self-inspection.png"), full_page=True)


def test_waiver_needs_a_second_person(imported: Server, browser, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    officer = _page(browser, imported, "officer")
    _open(officer, imported, "许可证续办申请（或报告不再经营）", None)
    url = officer.url
    officer.get_by_label("豁免理由").fill("许可证到期后不再经营，已停止相关业务")
    officer.get_by_label("豁免到期日").fill("2027-06-30")
    officer.get_by_role("button", name="申请豁免").click()
    officer.wait_for_selector("text=须由申请人以外的人审批")
    assert officer.get_by_role("button", name="批准豁免").count() == 0
    officer.screenshot(path=str(artifacts / "waiver-requested.png"), full_page=True)

    admin = _page(browser, imported, "admin")
    admin.goto(url)
    admin.get_by_role("button", name="批准豁免").click()
    admin.wait_for_selector("dd[data-status=waived]")
    assert admin.get_by_text("审批人 admin").is_visible()
    admin.screenshot(path=str(artifacts / "waiver-approved.png"), full_page=True)


def test_site_check_from_the_web(imported: Server, browser, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, imported, "officer")
    page.goto(f"{imported.url}/licences/{NUMBER}")
    states = page.locator("table.site-states td[data-state]")
    assert states.count() >= 1 and states.first.get_attribute("data-state") == "never"
    assert states.first.inner_text() == "从未检查"
    domain = page.locator("table.site-states tbody tr").first.locator("td").nth(1).inner_text()
    page.locator("table.site-states tbody tr").first.get_by_role("button", name="立即检查").click()
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("[data-job=done], [data-job=failed]", timeout=60_000)
    assert page.locator("[data-job=done]").count() == 1
    page.screenshot(path=str(artifacts / "site-check-job.png"), full_page=True)
    page.goto(f"{imported.url}/licences/{NUMBER}")
    row = page.locator("table.site-states tbody tr", has_text=domain)
    assert row.locator("td[data-state]").get_attribute("data-state") in ("pass", "fail")  # a result now
    assert row.get_by_role("link", name="查看").is_visible()
    page.screenshot(path=str(artifacts / "site-check-result.png"), full_page=True)
