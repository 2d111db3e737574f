"""The register routers over real HTTP semantics (TestClient): same validation and states as the CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from vats.api import problems
from vats.api.deps import Principal, Role


@pytest.fixture
def client(engine: Engine, licence: str) -> Iterator[TestClient]:
    from vats.registers.generic.api import router_for
    from vats.registers.states import registers

    app = FastAPI()
    app.state.engine = engine

    def authenticate(request: Request) -> Principal:
        role = Role(request.headers.get("x-role", "officer"))
        return Principal(name=f"{role.value}-user", role=role, via="token")  # bearer: no CSRF

    app.state.authenticate = authenticate
    problems.install(app)
    for spec in registers():
        app.include_router(router_for(spec), prefix="/api/v1")
    with TestClient(app) as c:
        yield c


def test_case_lifecycle_over_http(client: TestClient, licence: str) -> None:
    body = {
        "licence": licence,
        "site": "dongchedi.com",
        "content_ref": "p/1",
        "category": "rumours",
        "discovered_at": "2026-09-27",
    }
    r = client.post("/api/v1/cases", json=body)
    assert r.status_code == 201, r.text
    case = r.json()
    assert r.headers["Location"] == f"/api/v1/cases/{case['id']}" and r.headers["ETag"] == '"1"'
    r = client.post(
        f"/api/v1/cases/{case['id']}/report", json={"reported_at": "2026-10-01", "receipt_no": "R"}
    )
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert "dispose" in r.json()["detail"]
    dispose = {"disposed_at": "2026-09-28", "action": "delete", "records_ref": "v/1"}
    r = client.post(f"/api/v1/cases/{case['id']}/dispose", json=dispose, headers={"If-Match": '"5"'})
    assert r.status_code == 409
    r = client.post(f"/api/v1/cases/{case['id']}/dispose", json=dispose, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["status"] == "disposed"
    client.post(f"/api/v1/cases/{case['id']}/report", json={"reported_at": "2026-10-20", "receipt_no": "R"})
    r = client.get("/api/v1/cases", params={"as_of": "2026-10-20"})
    assert r.status_code == 200 and r.json()["total"] == 1
    due = r.json()["items"][0]["due"]
    assert due["due_date"] == "2026-10-16" and due["status"] == "late"


def test_validation_errors_and_roles(client: TestClient, licence: str) -> None:
    bad = {
        "licence": licence,
        "received_at": "2026-09-01",
        "channel": "pigeon",
        "topic": "billing",
        "complainant_ref": "T-1",
    }
    r = client.post("/api/v1/complaints", json=bad)
    assert r.status_code == 422  # the body schema is the service's schema: same rule, checked at the door
    assert r.json()["errors"][0]["loc"][-1] == "channel"
    r = client.post("/api/v1/complaints", json={**bad, "channel": "phone"}, headers={"x-role": "viewer"})
    assert r.status_code == 403
    assert client.get("/api/v1/complaints/999").status_code == 404


def test_filing_attachments_upload_and_download(client: TestClient, licence: str) -> None:
    """A file attached over HTTP comes back byte for byte with its SM3, always as a download."""
    from vats.model.sm3 import sm3_hex

    filing = client.post("/api/v1/filings", json={"licence": licence, "kind": "renewal"}).json()
    content = "<html><script>alert(1)</script>续办申请表</html>".encode()
    up = client.post(
        f"/api/v1/filings/{filing['id']}/attachments", files={"file": ("申请表.html", content, "text/html")}
    )
    assert up.status_code == 201, up.text
    attachment = up.json()
    assert attachment["sm3"] == sm3_hex(content) and attachment["size"] == len(content)
    down = client.get(up.headers["location"])
    assert down.status_code == 200 and down.content == content
    assert down.headers["x-content-sm3"] == sm3_hex(content)
    assert down.headers["content-disposition"].startswith("attachment;")  # never rendered in the app
    listed = client.get(f"/api/v1/filings/{filing['id']}").json()["attachments"]
    assert [a["filename"] for a in listed] == ["申请表.html"]
    other = client.post("/api/v1/filings", json={"licence": licence, "kind": "other"}).json()
    assert client.get(f"/api/v1/filings/{other['id']}/attachments/{attachment['id']}").status_code == 404
    empty = client.post(
        f"/api/v1/filings/{filing['id']}/attachments", files={"file": ("x.txt", b"", "text/plain")}
    )
    assert empty.status_code == 400 and empty.json()["field"] == "content"
    viewer = client.post(
        f"/api/v1/filings/{filing['id']}/attachments",
        files={"file": ("x.txt", b"x", "text/plain")},
        headers={"x-role": "viewer"},
    )
    assert viewer.status_code == 403


def test_attachment_cap_is_enforced_over_http(
    client: TestClient, licence: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_ATTACHMENT_MAX_BYTES", "10")
    filing = client.post("/api/v1/filings", json={"licence": licence, "kind": "renewal"}).json()
    r = client.post(
        f"/api/v1/filings/{filing['id']}/attachments", files={"file": ("a.bin", b"x" * 11, "application/pdf")}
    )
    assert r.status_code == 403 and "VATS_ATTACHMENT_MAX_BYTES" in r.text


def test_correcting_a_record_over_http(client: TestClient, licence: str) -> None:
    """POST …/corrections needs the version read; deadlines follow; bad fields are named."""
    body = {
        "licence": licence,
        "received_at": "2026-11-02",
        "channel": "phone",
        "topic": "billing",
        "complainant_ref": "T-9",
    }
    created = client.post("/api/v1/complaints", json=body).json()
    url = f"/api/v1/complaints/{created['id']}/corrections"
    change = {"changes": {"received_at": "2026-11-05"}, "reason": "收件日期录错"}
    assert client.post(url, json=change).status_code == 428  # no If-Match, no version
    stale = client.post(url, json={**change, "version": created["version"] + 5})
    assert stale.status_code == 409
    fixed = client.post(url, json=change, headers={"If-Match": f'"{created["version"]}"'})
    assert fixed.status_code == 200, fixed.text
    assert (
        fixed.json()["received_at"] == "2026-11-05" and fixed.headers["etag"] == f'"{created["version"] + 1}"'
    )
    assert fixed.json()["due"]["due_date"] != created["due"]["due_date"]  # the reply deadline moved
    wrong = client.post(url, json={"changes": {"topic": "x", "licence": "y"}, "reason": "r", "version": 2})
    assert wrong.status_code == 400 and wrong.json()["field"] in ("topic", "licence")
    viewer = client.post(url, json={**change, "version": 2}, headers={"x-role": "viewer"})
    assert viewer.status_code == 403
