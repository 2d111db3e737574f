"""/api/v1/copies against a real server on SQLite and PostgreSQL: issue a PDF, the register and its
per-recipient view, revoke, and the public verification (no login) before and after revocation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from vats.api.testing import Server, running_server
from vats.ingest.qr import qr_texts

AS_OF = "2026-03-01"  # the reference licence is valid until 2026-10-20


@pytest.fixture
def copy_server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    env = {"VATS_AS_OF": AS_OF, "VATS_KEY_DIR": str(tmp_path / "keys"), "VATS_KEY_PASSPHRASE": "pw"}
    with running_server(db_url, tmp_path, env=env) as srv:
        yield srv


def _import(server: Server, seed_path: Path) -> str:
    with server.client("officer") as c, seed_path.open("rb") as fh:
        r = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    assert r.status_code in (200, 201), r.text
    return str(r.json()["number"])


def test_issue_list_revoke_and_public_verify(copy_server: Server, seed_path: Path) -> None:
    number = _import(copy_server, seed_path)
    body = {"number": number, "recipient": "华为应用市场", "purpose": "上架审核使用", "until": "2026-09-30"}
    with copy_server.client("viewer") as viewer:
        assert viewer.post("/api/v1/copies", json=body).status_code == 403
    with copy_server.client("officer") as c:
        issued = c.post("/api/v1/copies", json=body)
        assert issued.status_code == 201, issued.text
        assert issued.headers["content-type"] == "application/pdf"
        copy_id = issued.headers["x-copy-id"]
        [qr] = qr_texts(issued.content)
        listed = c.get("/api/v1/copies", params={"recipient": "华为应用市场"}).json()
        assert isinstance(listed, list), listed
        assert [row["copy_id"] for row in listed] == [copy_id] and listed[0]["state"] == "valid"
        assert c.get("/api/v1/copies/recipients").json() == [{"recipient": "华为应用市场", "copies": 1}]
        assert c.get(f"/api/v1/copies/{copy_id}/pdf").content == issued.content
    token = parse_qs(urlsplit(qr).query)["s"][0]
    with copy_server.client() as anonymous:
        assert anonymous.get("/api/v1/copies").status_code == 401
        ok = anonymous.get("/api/v1/copies/verify", params={"s": token}).json()
        assert ok["state"] == "valid" and ok["recipient"] == "华为应用市场" and ok["revocation_checked"]
        page = anonymous.get("/verify/copy", params={"s": token})
        assert page.status_code == 200 and "有效" in page.text and "上架审核使用" in page.text
    with copy_server.client("officer") as c:
        revoked = c.post(f"/api/v1/copies/{copy_id}/revoke", json={"reason": "合作结束"})
        assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    with copy_server.client() as anonymous:
        after = anonymous.get("/api/v1/copies/verify", params={"s": token}).json()
        assert after["state"] == "revoked" and after["label"] == "已撤销"
        assert "已撤销" in anonymous.get("/verify/copy", params={"s": token}).text
        bad = anonymous.get("/api/v1/copies/verify", params={"s": "https://example.com/"})
        assert bad.status_code == 400 and bad.json()["field"] == "qr"


def test_bad_input_is_4xx_naming_the_field(copy_server: Server, seed_path: Path) -> None:
    number = _import(copy_server, seed_path)
    with copy_server.client("officer") as c:
        late = c.post(
            "/api/v1/copies",
            json={"number": number, "recipient": "x", "purpose": "y", "until": "2027-01-01"},
        )
        assert late.status_code == 400 and late.json()["field"] == "until"
        missing = c.post(
            "/api/v1/copies",
            json={"number": "京B2-00000000", "recipient": "x", "purpose": "y", "until": "2026-09-30"},
        )
        assert missing.status_code == 404 and missing.json()["field"] == "number"
        assert c.get("/api/v1/copies/VC-NONE-NONE").status_code == 404
        assert c.post("/api/v1/copies/VC-NONE-NONE/revoke").status_code == 404
        assert c.get("/api/v1/copies", params={"state": "odd"}).status_code == 422
        assert c.get("/api/v1/copies").json() == []
