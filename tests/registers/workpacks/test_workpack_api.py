"""/api/v1/workpacks over HTTP (TestClient, both databases): open, fill with If-Match, export, submit
with a receipt; bad input is a 4xx naming the field; another organisation's workpack is a 404."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from vats.api import problems
from vats.api.deps import Principal, Role
from vats.reference.annual_report import load_form


@pytest.fixture
def client(engine: Engine, licence: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from vats.registers.workpacks.api import router

    monkeypatch.setenv("VATS_AS_OF", "2026-03-20")
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


def _values() -> dict[str, object]:
    return {
        "pledge": load_form(2025).pledge.text,
        "uscc": "91500112MA5UUUUU1X",
        "registered_capital": 1000,
        "address": "重庆市渝北区",
        "contact_name": "王五",
        "contact_phone": "023-12345678",
        "staff": 40,
        "service_commitment_published": True,
        "revenue": 5000000,
        "cost": 3000000,
        "telecom_revenue": 2000000,
        "tax": 100000,
        "security_staff": 3,
        "security_officer": "赵六",
        "development.B25.launched": "开通",
        "development.B25.users": 12000,
        "development.B25.service_revenue": 2000000,
        "development.B21.launched": "未开通",
        "special_terms_complied": True,
        "registered_users": 12000,
        "active_users": 3000,
        "internet_revenue": 2000000,
    }


def test_workpack_over_http(client: TestClient, licence: str) -> None:
    r = client.post("/api/v1/workpacks", json={"licence": licence, "year": 2025})
    assert r.status_code == 200, r.text
    wp = r.json()
    url = f"/api/v1/workpacks/{wp['id']}"
    assert r.headers["ETag"] == '"1"' and wp["remaining_label"].startswith("还需填写")
    company = next(f for f in wp["fields"] if f["key"] == "company")
    assert company["value"] == "重庆万象优车科技有限公司" and licence in company["source"]

    bad = client.patch(url, json={"values": {"staff": "四十"}}, headers={"If-Match": '"1"'})
    assert bad.status_code == 400 and "staff" in bad.text
    r = client.patch(url, json={"values": _values()}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["remaining"] == 0 and r.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"values": {"staff": 41}}, headers={"If-Match": '"1"'})
    assert stale.status_code in (409, 412)

    xlsx = client.get(f"{url}/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]
    assert client.get(f"{url}/export", params={"format": "docx"}).status_code == 400

    bad_date = client.post(
        f"{url}/submit",
        data={"submitted_at": "18/03/2026"},
        files={"receipt": ("回执.png", io.BytesIO(b"png"), "image/png")},
        headers={"If-Match": '"2"'},
    )
    assert bad_date.status_code == 400 and "submitted_at" in bad_date.text
    r = client.post(
        f"{url}/submit",
        data={"submitted_at": "2026-03-18", "receipt_no": "NB-1"},
        files={"receipt": ("回执.png", io.BytesIO(b"\x89PNG"), "image/png")},
        headers={"If-Match": '"2"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["filing_id"]
    again = client.patch(url, json={"values": {"staff": 41}}, headers={"If-Match": r.headers["ETag"]})
    assert again.status_code == 403
    assert client.get(url, headers={"x-role": "viewer"}).status_code == 200


def test_foreign_and_missing_look_the_same(client: TestClient, licence: str) -> None:
    wid = client.post("/api/v1/workpacks", json={"licence": licence, "year": 2025}).json()["id"]
    foreign = client.get(f"/api/v1/workpacks/{wid}", headers={"x-orgs": "99999"})
    missing = client.get("/api/v1/workpacks/999999")
    assert foreign.status_code == missing.status_code == 404
    r = client.post("/api/v1/workpacks", json={"licence": licence, "year": 2025}, headers={"x-orgs": "99999"})
    assert r.status_code == 404 and "licence" in r.text
    assert client.post("/api/v1/workpacks", json={"licence": licence, "year": 1990}).status_code == 422
