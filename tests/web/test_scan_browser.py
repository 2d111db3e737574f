"""The scan review journey in a real browser: upload a PNG of the printed reference licence, follow
its reading on the job page until the review opens, check the fields beside the page with its
boxes, correct one, confirm, and find the scan on the licence page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import PASSWORD, Server, running_server

pytestmark = pytest.mark.browser
NUMBER = "渝B2-20210467"


@pytest.fixture
def scan_server(tmp_path: Path) -> Iterator[Server]:
    with running_server(
        f"sqlite:///{tmp_path / 'vats.db'}", tmp_path, env={"VATS_AS_OF": "2026-03-01"}
    ) as srv:
        yield srv


@pytest.fixture
def main_page(seed_path: Path, tmp_path: Path) -> Path:
    from vats.ingest.document import read_licence
    from vats.ingest.render import render_licence
    from vats.ingest.scan.paper import Condition, licence_lines, render_pages, to_bytes

    text = render_licence(read_licence(seed_path))
    path = tmp_path / "许可证正本.png"
    path.write_bytes(to_bytes(render_pages(licence_lines(text), Condition(dpi=150))[0]))
    return path


def test_upload_review_confirm_and_see_the_scan(
    scan_server: Server, browser, main_page: Path, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{scan_server.url}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{scan_server.url}/")
    page.goto(f"{scan_server.url}/licences/upload")
    page.get_by_label("许可证文件（文本、PDF、扫描件或照片、OFD）").set_input_files(str(main_page))
    page.get_by_role("button", name="解析并预览").click()
    page.wait_for_url("**/jobs/*?review=1", timeout=60_000)  # at once: OCR runs as a job
    assert page.get_by_role("status").is_visible()
    page.wait_for_url("**/licences/review/**", timeout=300_000)  # the job page reloads, then opens it
    assert page.get_by_role("heading", name="核对扫描件").is_visible()
    assert page.get_by_label("许可证编号").input_value() == NUMBER
    boxes = page.locator("svg.scan-page rect.field-box")
    assert boxes.count() >= 4 and boxes.first.is_visible()
    loaded = page.locator("svg.scan-page image").first.evaluate(
        "img => fetch(img.href.baseVal).then(r => r.ok && r.headers.get('content-type'))"
    )
    assert loaded == "image/jpeg"
    page.get_by_label("法定代表人").fill("")
    page.get_by_label("发证日期").fill("不是日期")
    page.screenshot(path=str(artifacts / "scan-review.png"), full_page=True)
    page.get_by_role("button", name="确认并保存").click()
    assert page.get_by_role("alert").filter(has_text="发证日期").is_visible()
    assert page.get_by_label("发证日期").input_value() == "不是日期"  # what was typed is kept
    page.get_by_label("发证日期").fill("2021-10-21")
    page.get_by_label("法定代表人").fill("王五")
    page.get_by_role("button", name="确认并保存").click()
    page.wait_for_url("**/licences/*B2-20210467", timeout=60_000)
    assert page.get_by_role("heading", name="扫描原件").is_visible()
    assert page.get_by_role("link", name="许可证正本.png").is_visible()
    width = page.locator("img.scan-page").first.evaluate("img => img.complete && img.naturalWidth")
    assert width and width > 100
    assert page.get_by_role("cell", name="王五").first.is_visible()
    page.screenshot(path=str(artifacts / "scan-licence.png"), full_page=True)
    context.close()
