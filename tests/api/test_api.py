"""The REST API end to end against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


def _import(server: Server, seed_path: Path, role: str = "officer"):  # type: ignore[no-untyped-def]
    with server.client(role) as c, seed_path.open("rb") as fh:
        return c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})


def test_health_and_problem_json(server: Server) -> None:
    with server.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        assert c.get("/readyz").json() == {"status": "ready"}
        r = c.get("/api/v1/licences")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "urn:vats:problem:unauthenticated" and body["status"] == 401
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_security_headers(server: Server) -> None:
    with server.client() as c:
        r = c.get("/login")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_upload_preview_import_and_read(server: Server, seed_path: Path) -> None:
    with server.client("officer") as c, seed_path.open("rb") as fh:
        preview = c.post("/api/v1/licences/preview", files={"document": ("seed.txt", fh, "text/plain")})
    assert preview.status_code == 200, preview.text
    data = preview.json()
    assert data["number"] == NUMBER and data["exists"] is False
    assert any(f["id"].startswith("licence.expired") or "expired" in f["id"] for f in data["findings"])
    with server.client("viewer") as c:
        assert c.get("/api/v1/licences").json()["total"] == 0  # preview saved nothing

    created = _import(server, seed_path)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/api/v1/licences/{quote(NUMBER)}"
    assert created.json()["validity"] == "expired"

    with server.client("viewer") as c:
        listing = c.get("/api/v1/licences", params={"validity": "expired"})
        detail = c.get(f"/api/v1/licences/{NUMBER}")
        revisions = c.get(f"/api/v1/licences/{NUMBER}/revisions").json()
        document = c.get(f"/api/v1/licences/{NUMBER}/revisions/1/document")
        assert c.get("/api/v1/licences", params={"validity": "valid"}).json()["total"] == 0
    assert listing.json()["total"] == 1 and listing.headers["x-total-count"] == "1"
    assert detail.headers["etag"] == '"1"'
    assert detail.json()["licence"]["company"] == "重庆万象优车科技有限公司"
    assert [r["revision"] for r in revisions] == [1]
    assert document.content == seed_path.read_bytes()


def test_licence_report_pdf_and_html(server: Server, seed_path: Path) -> None:
    """The report a viewer downloads is the one `vats report` writes, for the server's as-of date."""
    import io

    import pdfplumber

    assert _import(server, seed_path).status_code == 201
    with server.client("viewer") as c:
        pdf = c.get(f"/api/v1/licences/{NUMBER}/report")
        html = c.get(f"/api/v1/licences/{NUMBER}/report", params={"format": "html", "explain": "true"})
        sheet = c.get(f"/api/v1/licences/{NUMBER}/report", params={"format": "xlsx"})
        bad = c.get(f"/api/v1/licences/{NUMBER}/report", params={"format": "docx"})
        missing = c.get("/api/v1/licences/京B2-20990001/report")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment; filename*=UTF-8''vats-report-")
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert NUMBER in text and "评估日 as of 2026-11-02" in text and "2026-07-22" in text
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "重庆万象优车科技有限公司" in html.text and "1. " in html.text  # with derivations
    assert sheet.status_code == 200 and sheet.headers["content-type"].endswith("spreadsheetml.sheet")
    assert sheet.headers["content-disposition"].endswith(".xlsx")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert missing.status_code == 404


def test_portfolio_report_of_one_organisation(server: Server, seed_path: Path) -> None:
    """A licensing agency's report for one client: that organisation's licences only; others 404."""
    assert _import(server, seed_path, role="admin").status_code == 201
    with server.client("admin") as c:
        org = c.get(f"/api/v1/licences/{NUMBER}").json()["organisation_id"]
        other = c.post("/api/v1/organisations", json={"name": "另一家公司"}).json()["id"]
        html = c.get("/api/v1/exports/report", params={"format": "html", "organisation_id": org})
        empty = c.get("/api/v1/exports/report", params={"format": "html", "organisation_id": other})
        missing = c.get("/api/v1/exports/report", params={"organisation_id": 999999})
    assert html.status_code == 200 and NUMBER in html.text
    assert html.headers["content-disposition"].endswith(f"vats-report-org{org}-2026-11-02.html")
    assert empty.status_code == 200 and NUMBER not in empty.text
    assert missing.status_code == 404
    with server.client("viewer") as c:  # everything the caller can see, as a workbook
        sheet = c.get("/api/v1/exports/report", params={"format": "xlsx"})
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_report_size_is_capped_per_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering runs inside the request: too many licences for one download is a clear 400."""
    from datetime import date

    from vats.api import reports
    from vats.model.errors import InputError

    monkeypatch.setitem(reports.MAX_LICENCES, "pdf", 0)
    with pytest.raises(InputError, match="limit of 0") as caught:
        reports.report_response(
            [object()],  # type: ignore[list-item]
            session=object(),  # type: ignore[arg-type]
            as_of=date(2026, 11, 2),
            fmt="pdf",
            explain=False,
            name="x",
        )
    assert caught.value.field == "organisation_id"


def test_bad_upload_is_a_problem_naming_the_field(server: Server) -> None:
    with server.client("officer") as c:
        r = c.post("/api/v1/licences", files={"document": ("x.txt", b"\x00\x01binary", "text/plain")})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:vats:problem:bad-input"


def test_if_match_optimistic_concurrency(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    url = f"/api/v1/licences/{NUMBER}"
    with server.client("officer") as c:
        assert c.patch(url, json={"archived": False}).status_code == 428
        stale = c.patch(url, json={"archived": False}, headers={"If-Match": '"7"'})
        assert stale.status_code == 412 and stale.json()["type"] == "urn:vats:problem:precondition-failed"
        ok = c.patch(url, json={"archived": True}, headers={"If-Match": '"1"'})
        assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
        again = c.patch(url, json={"archived": False}, headers={"If-Match": '"1"'})
        assert again.status_code == 412
        assert c.get("/api/v1/licences").json()["total"] == 0  # archived licences leave the list


def test_obligations_filters_and_pagination(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("viewer") as c:
        everything = c.get("/api/v1/obligations", params={"per_page": 500}).json()
        overdue = c.get("/api/v1/obligations", params={"status": "overdue", "per_page": 500}).json()
        window = c.get(
            "/api/v1/obligations", params={"due_from": "2026-11-01", "due_to": "2027-12-31", "per_page": 500}
        ).json()
        page2 = c.get("/api/v1/obligations", params={"per_page": 2, "page": 2})
        bad = c.get("/api/v1/obligations", params={"status": "nonsense"})
    assert everything["total"] > 0
    assert overdue["total"] > 0 and all(o["status"] == "overdue" for o in overdue["items"])
    assert all("2026-11-01" <= o["due_date"] <= "2027-12-31" for o in window["items"])
    assert len(page2.json()["items"]) == 2 and 'rel="next"' in page2.headers["link"]
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_case_register_shows_due_date_and_audit_actor(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    body = {
        "licence": NUMBER,
        "site": "maichetong.com.cn",
        "content_ref": "post 42",
        "category": _first_category(server),
        "discovered_at": "2026-10-09",
    }
    with server.client("officer") as c:
        created = c.post("/api/v1/cases", json=body)
        assert created.status_code == 201, created.text
        case = created.json()
        disposed = c.post(
            f"/api/v1/cases/{case['id']}/dispose",
            json={"disposed_at": "2026-10-10", "action": _first_action(server), "records_ref": "box 1"},
            headers={"If-Match": f'"{case["version"]}"'},
        )
    assert disposed.status_code == 200, disposed.text
    assert disposed.json()["due"]["due_date"]  # the engine's report deadline
    with server.client("viewer") as c:
        assert c.post("/api/v1/cases", json=body).status_code == 403
    with server.client("auditor") as c:
        entries = c.get("/api/v1/auditlog", params={"entity": "disposal_cases", "per_page": 50}).json()
        verify = c.get("/api/v1/auditlog/verify").json()
    assert {e["actor"] for e in entries["items"]} == {"officer"}
    assert {(e["entity_zh"], e["action_zh"]) for e in entries["items"]} <= {
        ("违法信息处置", "新增"),
        ("违法信息处置", "修改"),
    }
    assert verify["ok"] is True and verify["entries"] > 0 and len(verify["root"]) == 64


def _first_category(server: Server) -> str:
    from vats.registers.vocab import vocabulary

    return vocabulary().terms("categories").codes()[0]


def _first_action(server: Server) -> str:
    from vats.registers.vocab import vocabulary

    return vocabulary().terms("disposal_actions").codes()[0]


def test_calendar_feed_token_is_the_credential(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("viewer") as c:
        url = c.post("/api/v1/me/calendar-feed").json()["url"]
    path = url.removeprefix(server.url)
    with server.client() as anonymous:
        feed = anonymous.get(path)
        wrong = anonymous.get("/calendar/not-a-token.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text and NUMBER in feed.text
    assert wrong.status_code == 404


def test_other_organisations_are_invisible(server: Server, seed_path: Path) -> None:
    from vats.api import accounts
    from vats.store.db import make_engine, session_scope

    _import(server, seed_path, role="admin")
    with server.client("admin") as c:
        other = c.post("/api/v1/organisations", json={"name": "另一家公司"}).json()
    engine = make_engine(server.db_url)
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, name="outsider", role="officer", password="another password")
        accounts.grant(s, name="outsider", organisation_id=other["id"])
        token = accounts.create_token(s, user="outsider").secret
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with server.client() as c:
        assert c.get(f"/api/v1/licences/{NUMBER}", headers=headers).status_code == 404
        assert c.get(f"/api/v1/licences/{NUMBER}/revisions/1/document", headers=headers).status_code == 404
        assert c.get(f"/api/v1/licences/{NUMBER}/report", headers=headers).status_code == 404
        assert c.get("/api/v1/licences", headers=headers).json()["total"] == 0
        assert c.get("/api/v1/obligations", headers=headers).json()["total"] == 0
        orgs = c.get("/api/v1/organisations", headers=headers).json()["items"]
    assert [o["name"] for o in orgs] == ["另一家公司"]


def test_openapi_is_served_and_declares_roles(server: Server) -> None:
    with server.client() as c:
        spec = c.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/cases"]["post"]
    assert op["x-required-roles"] == ["admin", "officer"]
    assert spec["paths"]["/api/v1/auditlog"]["get"]["x-required-roles"] == ["admin", "auditor"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_exports(server: Server, seed_path: Path) -> None:
    import io
    import zipfile

    _import(server, seed_path)
    with server.client("viewer") as c:
        csv_text = c.get("/api/v1/exports/obligations.csv")
        ics = c.get("/api/v1/exports/obligations.ics")
        assert c.get("/api/v1/exports/portfolio.zip").status_code == 403
    assert csv_text.text.startswith("\ufefflicence,rule_id")
    assert NUMBER in csv_text.text and "overdue" in csv_text.text
    assert ics.text.startswith("BEGIN:VCALENDAR")
    with server.client("admin") as c:
        archive = c.get("/api/v1/exports/portfolio.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names


def test_sites_of_visible_licences(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("viewer") as c:
        sites = c.get("/api/v1/sites", params={"per_page": 100}).json()
        inventory = c.get("/api/v1/inventory")
    assert {s["domain"] for s in sites["items"]} >= {"maichetong.com.cn", "dcarapi.com"}
    assert inventory.status_code == 200 and inventory.json()["total"] == 0
