"""Browser journey for the annual report workpack: open the 2025 workpack of the reference licence,
see pre-filled values with their sources, fill the rest (a wrong type keeps what was typed), export
XLSX, record the submission with a receipt, and see the annual-report obligation done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from vats.api.testing import PASSWORD, Server, running_server
from vats.reference.annual_report import load_form

pytestmark = pytest.mark.browser
NUMBER = "渝B2-20210467"
AS_OF = "2026-03-20"  # inside the 2025 report's window, before the licence expires

HUMAN = {
    "uscc": "91500112MA5UUUUU1X",
    "registered_capital": "1000",
    "address": "重庆市渝北区",
    "contact_name": "王五",
    "contact_phone": "023-12345678",
    "revenue": "5000000",
    "cost": "3000000",
    "telecom_revenue": "2000000",
    "tax": "100000",
    "security_staff": "3",
    "security_officer": "赵六",
    "development-B25-users": "12000",
    "development-B25-service_revenue": "2000000",
    "registered_users": "12000",
    "active_users": "3000",
    "internet_revenue": "2000000",
}
CHOICES = {
    "service_commitment_published": "是",
    "special_terms_complied": "是",
    "development-B25-launched": "开通",
    "development-B21-launched": "未开通",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("workpack")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}) as srv:
        with srv.client("officer") as c, seed_path.open("rb") as fh:
            r = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
            assert r.status_code == 201, r.text
        yield srv


def test_workpack_journey(server: Server, browser, artifacts: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/licences/{quote(NUMBER)}")
    page.locator("#workpack-link").click()
    page.get_by_role("button", name="创建年报底稿").click()
    page.wait_for_url("**/workpacks/2025")
    remaining = page.locator("#wp-remaining").inner_text()
    assert remaining.startswith("还需填写")
    company = page.locator("tr[data-key=company]")
    assert "重庆万象优车科技有限公司" in company.locator("input").get_attribute("placeholder")
    assert NUMBER in company.locator("td.source").inner_text()  # the source beside the value
    assert "用户投诉登记簿" in page.locator("tr[data-key=complaints_received] td.source").inner_text()
    page.screenshot(path=str(artifacts / "workpack-prefilled.png"), full_page=True)

    page.locator("#f-staff").fill("四十")  # a wrong type: refused, naming the box, typed text kept
    page.locator("#f-address").fill("重庆市渝北区")
    page.locator("#wp-save").click()
    assert "staff" in page.get_by_role("alert").inner_text()
    assert page.locator("#f-staff").input_value() == "四十"
    assert page.locator("#f-address").input_value() == "重庆市渝北区"

    page.locator("#f-pledge").fill(load_form(2025).pledge.text)
    page.locator("#f-staff").fill("40")
    for key, value in HUMAN.items():
        page.locator(f"#f-{key}").fill(value)
    for key, value in CHOICES.items():
        page.locator(f"#f-{key}").select_option(value)
    page.locator("#wp-save").click()
    page.wait_for_selector("#wp-saved")
    assert page.locator("#wp-remaining").inner_text() == "已全部填写"

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    assert download.value.suggested_filename.endswith(".xlsx")

    receipt = tmp_path / "回执.png"
    receipt.write_bytes(b"\x89PNG receipt")
    page.locator("#submitted-at").fill("2026-03-18")
    page.locator("#receipt").set_input_files(str(receipt))
    page.locator("#wp-submit").click()
    page.wait_for_selector("#wp-submitted")
    assert page.locator("#wp-status").inner_text() == "已报送（只读）"
    assert page.locator("#wp-save").count() == 0  # read-only now
    page.screenshot(path=str(artifacts / "workpack-submitted.png"), full_page=True)

    page.goto(f"{server.url}/obligations?licence={quote(NUMBER)}&status=satisfied")
    row = page.locator("tr", has_text="经营许可证年报").filter(has_text="2026-03-31")
    assert row.count() == 1
    assert errors == []
    context.close()
