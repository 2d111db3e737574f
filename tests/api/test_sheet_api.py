"""POST /api/v1/licences/sheet/preview and /import on a real server: roles, scope, bounds, reports."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from vats.api.testing import ORGANISATION, Server

SHEET = (
    "公司名称,许可证编号,业务种类,有效期至,网站/APP\n"
    f"{ORGANISATION},渝B2-20210467,B25,2026-10-20,卖车通(maichetong.com.cn)\n"
    "别家公司,京B2-20200001,B25,2030-01-01,\n"
).encode("gb18030")


def _files(data: bytes = SHEET, name: str = "台账.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "text/csv")}


def test_writers_preview_and_import_within_their_organisations(server: Server) -> None:
    with server.client("viewer") as c:
        assert c.post("/api/v1/licences/sheet/preview", files=_files()).status_code == 403
        assert c.post("/api/v1/licences/sheet/import", files=_files()).status_code == 403
    with server.client("officer") as c:
        preview = c.post("/api/v1/licences/sheet/preview", files=_files())
        assert preview.status_code == 200, preview.text
        body = preview.json()
        assert (body["rows"], body["valid_rows"], body["errors"], body["dry_run"]) == (2, 1, 1, True)
        assert body["columns"]["许可证编号"] == "number" and body["encoding"] == "gb18030"
        (error,) = [p for p in body["problems"] if p["severity"] == "error"]
        assert (error["row"], error["column"]) == (3, "公司名称")  # an officer cannot create organisations
        assert body["new_organisations"] == []
        report = c.post("/api/v1/licences/sheet/preview?format=xlsx", files=_files())
        assert report.status_code == 200
        rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
        assert rows[1][:2] == (3, "公司名称")
        assert c.get("/api/v1/licences").json()["total"] == 0  # previews write nothing
        done = c.post("/api/v1/licences/sheet/import", files=_files())
        assert done.status_code == 200, done.text
        assert (done.json()["imported"], done.json()["inventory_added"]) == (1, 1)
        listed = c.get("/api/v1/licences").json()
        assert [r["number"] for r in listed["items"]] == ["渝B2-20210467"]
        obligations = c.get("/api/v1/obligations", params={"licence": "渝B2-20210467"}).json()["items"]
        assert obligations and all(o["unverified"] for o in obligations)
        detail = c.get("/api/v1/licences/渝B2-20210467/revisions").json()
        assert detail[0]["media_type"] == "application/vnd.vats.sheet-row+json"


def test_admins_create_organisations_and_others_cannot_aim_at_them(server: Server) -> None:
    with server.client("admin") as c:
        done = c.post("/api/v1/licences/sheet/import", files=_files())
        assert done.status_code == 200, done.text
        assert done.json()["imported"] == 2 and done.json()["new_organisations"] == ["别家公司"]
        foreign = next(
            o["id"] for o in c.get("/api/v1/organisations").json()["items"] if o["name"] == "别家公司"
        )
    other = "公司名称,许可证编号,有效期至\n别家公司,京B2-20200009,2030-01-01\n".encode()
    with server.client("officer") as c:
        aimed = c.post(
            "/api/v1/licences/sheet/import", files=_files(other), data={"organisation_id": str(foreign)}
        )
        assert aimed.status_code == 404, aimed.text
        by_name = c.post("/api/v1/licences/sheet/import", files=_files(other))
        assert by_name.json()["imported"] == 0
        assert "no organisation matches" in by_name.json()["problems"][0]["message"]
        taken = f"公司名称,许可证编号,有效期至\n{ORGANISATION},京B2-20200001,2030-01-01\n"
        held = c.post("/api/v1/licences/sheet/preview", files=_files(taken.encode()))
        message = held.json()["problems"][0]["message"]
        assert "already registered" in message and "别家" not in message


def test_bad_uploads_are_4xx_naming_the_field(server: Server) -> None:
    with server.client("officer") as c:
        for files, data, field in (
            (_files(b"PK\x03\x04 no zip", "a.xlsx"), {}, None),
            (_files(), {"mapping": "not json"}, "mapping"),
            (_files(), {"mapping": json.dumps({"许可证编号": "colour"})}, "map"),
            (_files(b""), {}, "file"),
            (_files(b"a,b\n1,2\n"), {}, None),
        ):
            response = c.post("/api/v1/licences/sheet/preview", files=files, data=data)
            assert 400 <= response.status_code < 500, response.text
            if field:
                assert field in response.text
        assert c.get("/api/v1/licences").json()["total"] == 0
