"""/api/v1/dossiers over HTTP (TestClient, both databases): open, track items with If-Match, attach
and download with the SM3 header, export, submit; bad input is a 4xx naming the field; another
organisation's dossier is a 404."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from vats.api import problems
from vats.api.deps import Principal, Role
from vats.model.sm3 import sm3_hex


@pytest.fixture
def client(engine: Engine, licence: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from vats.registers.dossiers.api import router

    monkeypatch.setenv("VATS_AS_OF", "2026-06-01")
    app = FastAPI()
    app.state.engine = engine

    def authenticate(request: Request) -> Principal:
        role = Role(request.headers.get("x-role", "officer"))
        orgs = request.headers.get("x-orgs")
        return Principal(
            name=f"{role.value}-user",
            role=role,
            via="token",
            **({"organisations": frozenset(int(o) for o in orgs.split(","))} if orgs else {}),
        )

    app.state.authenticate = authenticate
    problems.install(app)
    app.include_router(router, prefix="/api/v1")
    with TestClient(app) as c:
        yield c


def test_renewal_dossier_round_trip(client: TestClient, licence: str) -> None:
    opened = client.post("/api/v1/dossiers", json={"licence": licence})
    assert opened.status_code == 200, opened.text
    body = opened.json()
    did, version = body["id"], body["version"]
    assert body["kind"] == "renewal" and body["launch_proof"]["services"][0]["proven"] is False
    assert opened.headers["ETag"] == f'"{version}"'
    items = [i["id"] for i in body["items"]]
    for item in items:
        up = client.post(
            f"/api/v1/dossiers/{did}/items/{item}/attachments",
            files={"file": (f"{item}.pdf", b"%PDF-1.4 " + item.encode(), "application/pdf")},
        )
        assert up.status_code == 201, up.text
        version = client.get(f"/api/v1/dossiers/{did}").json()["version"]
        ready = client.patch(
            f"/api/v1/dossiers/{did}/items/{item}",
            json={"status": "ready", "owner": "王五"},
            headers={"If-Match": f'"{version}"'},
        )
        assert ready.status_code == 200, ready.text
    first = client.get(f"/api/v1/dossiers/{did}").json()["items"][0]["attachments"][0]
    got = client.get(first["url"])
    assert got.headers["X-Content-SM3"] == sm3_hex(got.content) == first["sm3"]
    assert got.headers["Content-Disposition"].startswith("attachment;")
    zipped = client.get(f"/api/v1/dossiers/{did}/export", params={"format": "zip"})
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    done = client.post(
        f"/api/v1/dossiers/{did}/submit", json={"submitted_at": "2026-06-01", "receipt_no": "R9"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "submitted" and done.json()["filing_id"]
    listed = client.get("/api/v1/dossiers", params={"kind": "renewal"}).json()
    assert [d["id"] for d in listed] == [did]


def test_bad_input_names_the_field(client: TestClient, licence: str) -> None:
    both = client.post("/api/v1/dossiers", json={"licence": licence, "change_id": 1})
    assert both.status_code in (400, 422)
    did = client.post("/api/v1/dossiers", json={"licence": licence}).json()["id"]
    stale = client.patch(
        f"/api/v1/dossiers/{did}/items/application_form", json={"owner": "x"}, headers={"If-Match": '"99"'}
    )
    assert stale.status_code in (409, 412) and stale.json()["field"] == "version"
    unknown = client.patch(f"/api/v1/dossiers/{did}/items/nothing_here", json={"owner": "x"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "item"
    fmt = client.get(f"/api/v1/dossiers/{did}/export", params={"format": "docx"})
    assert fmt.status_code == 400 and fmt.json()["field"] == "format"
    missing = client.post(f"/api/v1/dossiers/{did}/submit", json={"submitted_at": "2026-06-01"})
    assert missing.status_code == 400 and missing.json()["field"] == "application_form"
    early = client.post(
        f"/api/v1/dossiers/{did}/approve",
        data={"approved_at": "2026-06-01"},
        files={"document": ("l.txt", b"x", "text/plain")},
    )
    assert early.status_code == 409 or early.json()["field"] == "status"
    bad_day = client.post(
        f"/api/v1/dossiers/{did}/approve",
        data={"approved_at": "June"},
        files={"document": ("l.txt", b"x", "text/plain")},
    )
    assert bad_day.status_code == 400 and bad_day.json()["field"] == "approved_at"


def test_another_organisations_dossier_is_a_404(client: TestClient, licence: str) -> None:
    did = client.post("/api/v1/dossiers", json={"licence": licence}).json()["id"]
    foreign = {"x-orgs": "999999"}
    assert client.get(f"/api/v1/dossiers/{did}", headers=foreign).status_code == 404
    assert client.post("/api/v1/dossiers", json={"licence": licence}, headers=foreign).status_code == 404
    assert client.get("/api/v1/dossiers", headers=foreign).json() == []
    assert client.get("/api/v1/dossiers", headers={"x-role": "viewer"}).status_code == 200
    assert (
        client.post("/api/v1/dossiers", json={"licence": licence}, headers={"x-role": "viewer"}).status_code
        == 403
    )
