"""/lists and /counterparties on a real server: a counterparty added, a list uploaded, its mapping
previewed and changed, imported, the hit shown with owner and source, re-import adding nothing,
handing a finding over; errors keep what was typed; viewers read but cannot write."""

from __future__ import annotations

import re

from vats.api.testing import ORGANISATION, Server

USCC = "91110000MA0123456P"
LIST = "\n".join(
    [
        "序号,企业名称,统一社会信用代码,处理日期,列入事由,列入单位",
        f"1,{ORGANISATION},,2025-05-10,未按时报送年报,重庆市通信管理局",
        f"2,某某网络公司,{USCC},2025-05-10,提供虚假材料,北京市通信管理局",
        "3,无关公司,,2025-05-10,违规,北京市通信管理局",
    ]
).encode("gb18030")
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _org_id(server: Server) -> str:
    with server.client("officer") as api:
        return str(api.get("/api/v1/organisations").json()["items"][0]["id"])


def test_import_journey(web_server: Server) -> None:
    org = _org_id(web_server)
    client, csrf = web_server.login("officer")
    bad = client.post(
        "/counterparties",
        data={"csrf_token": csrf, "organisation_id": org, "role": "supplier", "name": "某某网络有限公司",
              "uscc": "91110000MA0123456X"},
    )  # fmt: skip
    assert bad.status_code == 400 and "校验位错误" in bad.text and 'value="某某网络有限公司"' in bad.text
    added = client.post(
        "/counterparties",
        data={"csrf_token": csrf, "organisation_id": org, "role": "supplier", "name": "某某网络有限公司",
              "uscc": USCC}, follow_redirects=True,
    )  # fmt: skip
    assert added.status_code == 200 and "供应商" in added.text and USCC in added.text

    page = client.post(
        "/lists",
        data={"csrf_token": csrf, "organisation_id": org, "kind": "bad", "owner": "合规专员"},
        files={"file": ("不良名单.csv", LIST, "text/csv")},
    )
    assert page.status_code == 200 and "列映射" in page.text
    token = TOKEN.search(page.text)
    assert token is not None
    assert re.search(r'name="map_uscc">.*?<option value="2" selected>', page.text, re.S)
    form = {
        "csrf_token": csrf,
        "token": token.group(1),
        "organisation_id": org,
        "kind": "bad",
        "owner": "合规专员",
    }
    form |= {
        "map_name": "1",
        "map_uscc": "2",
        "map_licence": "",
        "map_date": "3",
        "map_reason": "4",
        "map_unit": "",
    }
    moved = client.post("/lists/preview", data=form | {"map_unit": "0"})
    assert moved.status_code == 200 and re.search(
        r'name="map_unit">.*?<option value="0" selected>', moved.text, re.S
    )
    done = client.post("/lists/import", data=form, follow_redirects=True)
    assert done.status_code == 200 and "不良名单" in done.text  # followed the redirect to the list page
    assert "某某网络有限公司" in done.text and "统一社会信用代码" in done.text and "合规专员" in done.text
    assert ORGANISATION in done.text and "不良名单.csv" in done.text
    listing = client.get("/lists")
    assert listing.text.count('id="finding-') == 2
    again = client.post(
        "/lists",
        data={"csrf_token": csrf, "organisation_id": org, "kind": "bad"},
        files={"file": ("不良名单.csv", LIST, "text/csv")},
    )
    token2 = TOKEN.search(again.text)
    assert token2 is not None
    repeat = client.post("/lists/import", data=form | {"token": token2.group(1)}, follow_redirects=True)
    assert repeat.status_code == 200 and "本名单首次发现的命中" in repeat.text
    assert 'id="finding-' not in repeat.text  # nothing new: the hits were already recorded
    assert client.get("/lists").text.count('id="finding-') == 2
    finding = re.search(r'id="finding-(\d+)"', listing.text)
    assert finding is not None
    handed = client.post(
        f"/list-findings/{finding.group(1)}",
        data={"csrf_token": csrf, "owner": "张三", "status": "closed"},
        follow_redirects=True,
    )
    assert handed.status_code == 200 and "张三" in handed.text and "已处理" in handed.text


def test_bad_uploads_and_roles(web_server: Server) -> None:
    org = _org_id(web_server)
    client, csrf = web_server.login("officer")
    empty = client.post(
        "/lists", data={"csrf_token": csrf, "organisation_id": org, "kind": "bad", "owner": "李四"}
    )
    assert empty.status_code == 400 and "请上传文件或填写网址" in empty.text and 'value="李四"' in empty.text
    kind = client.post(
        "/lists",
        data={"csrf_token": csrf, "organisation_id": org, "kind": "nope"},
        files={"file": ("l.csv", LIST, "text/csv")},
    )
    token = TOKEN.search(kind.text)
    assert token is not None
    form = {"csrf_token": csrf, "token": token.group(1), "organisation_id": org, "kind": "nope"}
    refused = client.post("/lists/import", data=form)
    assert refused.status_code == 400 and "名单类型" in refused.text
    private = client.post(
        "/lists",
        data={"csrf_token": csrf, "organisation_id": org, "kind": "bad", "url": "http://127.0.0.1:9/x.csv"},
    )
    assert private.status_code == 400 and "内部地址" in private.text
    viewer, viewer_csrf = web_server.login("viewer")
    assert viewer.get("/lists").status_code == 200 and 'action="/lists"' not in viewer.get("/lists").text
    upload = viewer.post(
        "/lists", data={"csrf_token": viewer_csrf, "organisation_id": org}, files={"file": ("l.csv", LIST)}
    )
    assert upload.status_code == 403


def test_app_filing_findings_on_the_licence_and_organisation_pages(web_server: Server, seed_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from vats.store.checks import InventoryItemRow
    from vats.store.db import make_engine, session_scope

    org = _org_id(web_server)
    client, _ = web_server.login("viewer")
    nothing = client.get(f"/organisations/{org}/app-filings")
    assert nothing.status_code == 200 and "未核对" in nothing.text  # no app anywhere: not "all filed"
    with web_server.client("officer") as api:
        document = {"document": ("seed.txt", seed_path.read_bytes(), "text/plain")}
        made = api.post("/api/v1/licences", files=document, data={"organisation_id": org})
        assert made.status_code in (200, 201), made.text
    engine = make_engine(web_server.db_url)
    with session_scope(engine, actor="setup") as s:
        s.add(
            InventoryItemRow(organisation=ORGANISATION, kind="app", key="卖车通", name="卖车通", domain=None,
                             features=[], licence="渝B2-20210467", source="清单.yaml:7",
                             updated_at=datetime.now(UTC))
        )  # fmt: skip
    engine.dispose()
    page = client.get("/licences/渝B2-20210467")
    assert page.status_code == 200 and 'id="app-filings"' in page.text
    assert "未登记 APP 备案号" in page.text and "清单.yaml:7" in page.text
    assert f'href="/organisations/{org}/app-filings"' in page.text
    whole = client.get(f"/organisations/{org}/app-filings")
    assert "未登记 APP 备案号" in whole.text and "移动互联网应用程序备案" in whole.text
    assert '清单中的 APP 和小程序 <a href="#checked-apps">1</a>' in whole.text  # the count links to its rows
    checked = whole.text.split('id="checked-apps"', 1)[1].split("</table>", 1)[0]
    assert checked.count("<tr><td>") == 1 and "卖车通" in checked and "清单.yaml:7" in checked
    listed = re.search(r'许可证载明的 APP (?:<a href="#listed-apps">(\d+)</a>|0)', whole.text)
    assert listed is not None
    if listed.group(1):
        rows = whole.text.split('id="listed-apps"', 1)[1].split("</table>", 1)[0]
        assert rows.count("<tr><td>") == int(listed.group(1))
    assert client.get("/organisations/99999999999/app-filings").status_code in (404, 422)


def test_counterparty_import_count_links_to_the_rows_it_counts(web_server: Server) -> None:
    org = _org_id(web_server)
    client, csrf = web_server.login("officer")
    csv_text = "角色,名称,统一社会信用代码\n供应商,甲数据有限公司,\n客户,乙科技有限公司,\n".encode()

    def upload():  # type: ignore[no-untyped-def]
        return client.post(
            "/counterparties/import",
            data={"csrf_token": csrf, "organisation_id": org},
            files={"file": ("交易方.csv", csv_text, "text/csv")},
        )

    first = upload()
    assert first.status_code == 200, first.text[-500:]
    assert '已添加 <a href="#imported">2</a> · 已存在而跳过 0' in first.text
    imported = first.text.split('id="imported"', 1)[1].split("</table>", 1)[0]
    assert imported.count("<tr><td>") == 2
    assert "甲数据有限公司" in imported and "乙科技有限公司" in imported and "交易方.csv:3" in imported
    again = upload()
    assert "已添加 0 · 已存在而跳过 2" in again.text and 'id="imported"' not in again.text
