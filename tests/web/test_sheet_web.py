"""/licences/sheet on a real server: upload, editable mapping, preview, problem report, import; CSRF,
roles and the staged file bound to its uploader; and the journey in Chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from vats.api.testing import ORGANISATION, PASSWORD, Server

SHEET = (
    "公司名称,许可证编号,业务种类,有效期至,网站/APP,备注\n"
    f"{ORGANISATION},渝B2-20210467,B25,2026-10-20,卖车通(maichetong.com.cn),B2-20230001\n"
    "别家公司,京B2-20200001,B25,2030-01-01,,\n"
)
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _upload(server: Server, name: str = "officer") -> tuple[object, str, str, str]:
    client, csrf = server.login(name)
    page = client.post(  # type: ignore[attr-defined]
        "/licences/sheet",
        data={"csrf_token": csrf},
        files={"file": ("台账.csv", SHEET.encode("utf-8-sig"), "text/csv")},
    )
    assert page.status_code == 200, page.text
    token = TOKEN.search(page.text)
    assert token is not None
    return client, csrf, token.group(1), page.text


def test_preview_mapping_report_and_import(web_server: Server) -> None:
    client, csrf, token, page = _upload(web_server)
    assert "列映射" in page and 'name="col_5"' in page
    assert "no organisation matches" in page  # row 3: officers cannot create organisations
    # map 备注 (column 5) as the number instead: the form keeps the choice
    choice = {"csrf_token": csrf, "token": token, "organisation_id": ""}
    choice |= {
        f"col_{i}": f for i, f in enumerate(["company", "-", "services", "expiry_date", "sites", "number"])
    }
    again = client.post("/licences/sheet/preview", data=choice)  # type: ignore[attr-defined]
    assert again.status_code == 200
    assert re.search(r'<option value="number" selected>', again.text)
    assert "B2-20230001" in again.text
    report = client.post("/licences/sheet/report", data=choice)  # type: ignore[attr-defined]
    assert report.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == 3
    done = client.post(  # type: ignore[attr-defined]
        "/licences/sheet/import", data={"csrf_token": csrf, "token": token, "organisation_id": ""}
    )
    assert done.status_code == 200 and "已导入许可证" in done.text
    licence = client.get("/licences/渝B2-20210467")  # type: ignore[attr-defined]
    assert "本许可证来自表格" in licence.text and "基于未经核实的表格数据" in licence.text
    assert "数据未经核实" in client.get("/obligations").text  # type: ignore[attr-defined]


def test_csrf_roles_and_the_staged_file_belong_to_the_uploader(web_server: Server) -> None:
    client, csrf, token, _ = _upload(web_server)
    refused = client.post("/licences/sheet/import", data={"token": token})  # type: ignore[attr-defined]
    assert refused.status_code == 403
    viewer, viewer_csrf = web_server.login("viewer")
    assert viewer.get("/licences/sheet").status_code == 403
    assert (
        viewer.post("/licences/sheet/import", data={"csrf_token": viewer_csrf, "token": token}).status_code
        == 403
    )
    admin, admin_csrf = web_server.login("admin")
    stolen = admin.post("/licences/sheet/import", data={"csrf_token": admin_csrf, "token": token})
    assert stolen.status_code == 404  # another user's upload is not there for them
    forged = client.post("/licences/sheet/preview", data={"csrf_token": csrf, "token": "../../etc/passwd"})  # type: ignore[attr-defined]
    assert forged.status_code == 404


def test_bad_files_keep_the_form_with_a_message(web_server: Server) -> None:
    client, csrf = web_server.login("officer")
    page = client.post(
        "/licences/sheet",
        data={"csrf_token": csrf},
        files={"file": ("bomb.xlsx", b"PK\x03\x04 not really", "application/octet-stream")},
    )
    assert page.status_code == 400 and "XLSX" in page.text and 'name="token"' in page.text


@pytest.mark.browser
def test_sheet_journey_in_the_browser(web_server: Server, browser, tmp_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "客户台账.csv"
    sheet.write_bytes(SHEET.replace("渝B2-20210467", "渝B2-20210468").encode("gb18030"))
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{web_server.url}/login")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{web_server.url}/licences")
    page.get_by_role("link", name="从表格导入").click()
    page.get_by_label("表格文件（XLSX 或 CSV）").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("text=列映射")
    assert page.get_by_label("备注").input_value() == "-"
    page.screenshot(path=str(artifacts / "sheet-preview.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载问题报告（XLSX）").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    page.get_by_role("button", name="导入有效行").click()
    page.wait_for_selector("text=已导入许可证")
    page.get_by_role("link", name="查看许可证").click()
    page.get_by_role("link", name="渝B2-20210468").click()
    assert page.get_by_role("status").filter(has_text="本许可证来自表格").is_visible()
    page.screenshot(path=str(artifacts / "sheet-licence.png"), full_page=True)
    context.close()
