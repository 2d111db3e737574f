"""/api/v1/regulator-lists, /list-findings and /counterparties on a real server (SQLite and
PostgreSQL): preview writes nothing, import stores the list and one finding per hit, re-import adds
none, findings are handed over with If-Match, and bad input is a 4xx naming the field."""

from __future__ import annotations

import json

from vats.api.testing import ORGANISATION, Server

USCC = "91110000MA0123456P"
LIST = (
    f"企业名称,统一社会信用代码,处理日期,列入事由\n{ORGANISATION},,2025-05-10,未按时报送年报\n"
    f"某某网络公司,{USCC},2025-05-10,虚假材料\n无关公司,,2025-05-10,违规\n"
).encode("gb18030")


def test_lists_over_http(server: Server) -> None:
    with server.client("officer") as c:
        org = c.get("/api/v1/organisations").json()["items"][0]["id"]
        made = c.post("/api/v1/counterparties", json={"organisation_id": org, "role": "app_store",
                                                       "name": "某某网络有限公司", "uscc": USCC})  # fmt: skip
        assert made.status_code == 201 and made.json()["role_label"] == "应用商店"
        bad = c.post("/api/v1/counterparties", json={"organisation_id": org, "role": "friend", "name": "x"})
        assert bad.status_code == 400 and bad.json()["field"] == "role"
        preview = c.post(
            "/api/v1/regulator-lists/preview",
            files={"file": ("l.csv", LIST, "text/csv")},
            data={"mapping": json.dumps({"unit": "处理日期"})},
        )
        assert preview.status_code == 200, preview.text
        body = preview.json()
        assert body["rows"] == 3 and body["mapping"]["uscc"] == "统一社会信用代码"
        assert body["mapping"]["unit"] == "处理日期" and body["sample"][1]["uscc"] == USCC
        assert c.get("/api/v1/regulator-lists").json() == []  # the preview stored nothing
        form = {"organisation_id": str(org), "kind": "dishonest", "owner": "合规专员"}
        done = c.post("/api/v1/regulator-lists", data=form, files={"file": ("失信.csv", LIST, "text/csv")})
        assert done.status_code == 201, done.text
        imported = done.json()
        assert (imported["rows"], imported["hits"], imported["new_findings"]) == (3, 2, 2)
        assert {f["party_kind"] for f in imported["findings"]} == {"holding", "app_store"}
        assert all(f["owner"] == "合规专员" for f in imported["findings"])
        again = c.post("/api/v1/regulator-lists", data=form, files={"file": ("失信.csv", LIST, "text/csv")})
        assert again.json()["new_findings"] == 0 and again.json()["known_findings"] == 2
        stored = c.get(f"/api/v1/regulator-lists/{imported['id']}").json()
        assert len(stored["entries"]) == 3 and stored["source"] == "失信.csv" and len(stored["sm3"]) == 64
        finding = c.get("/api/v1/list-findings", params={"status": "open"}).json()[0]
        stale = c.patch(f"/api/v1/list-findings/{finding['id']}", json={"status": "closed"},
                        headers={"If-Match": '"9"'})  # fmt: skip
        assert stale.status_code in (409, 412)
        closed = c.patch(
            f"/api/v1/list-findings/{finding['id']}",
            json={"status": "closed", "owner": "张三"},
            headers={"If-Match": f'"{finding["version"]}"'},
        )
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert len(c.get("/api/v1/list-findings", params={"status": "open"}).json()) == 1
        kind = c.post("/api/v1/regulator-lists", data=form | {"kind": "x"}, files={"file": ("l.csv", LIST)})
        assert kind.status_code == 400 and kind.json()["field"] == "kind"
        both = c.post("/api/v1/regulator-lists", data=form | {"url": "https://example.cn/l"},
                      files={"file": ("l.csv", LIST)})  # fmt: skip
        assert both.status_code == 400 and both.json()["field"] == "file"
        private = c.post("/api/v1/regulator-lists", data=form | {"url": "http://127.0.0.1:9/l.csv"})
        assert private.status_code == 400 and private.json()["field"] == "url"
    with server.client("viewer") as v:
        assert len(v.get("/api/v1/list-findings").json()) == 2
        assert (
            v.post("/api/v1/regulator-lists", data=form, files={"file": ("l.csv", LIST)}).status_code == 403
        )
