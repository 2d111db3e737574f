"""The obligation workspace over HTTP against a real server, on SQLite and PostgreSQL: stable ids,
completion with an evidence file (SM3), owners, four-eyes waivers, reopen, and organisation scope."""

from __future__ import annotations

from pathlib import Path

from vats.api.testing import Server
from vats.store.audit import sm3_hex

NUMBER = "渝B2-20210467"
PDF = b"%PDF-1.4\n% annual report receipt\n"


def _import(server: Server, seed_path: Path) -> None:
    with server.client("officer") as c, seed_path.open("rb") as fh:
        r = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    assert r.status_code == 201, r.text


def _annual_report(c, year: str = "2025") -> dict:  # type: ignore[no-untyped-def, type-arg]
    items = c.get("/api/v1/obligations", params={"licence": NUMBER, "per_page": 500}).json()["items"]
    return next(i for i in items if i["rule_id"] == "licence.annual_report" and i["period"] == year)


def test_ids_are_stable_and_listed_with_the_interface_fields(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("viewer") as c:
        first = c.get("/api/v1/obligations", params={"licence": NUMBER, "per_page": 500}).json()["items"]
        again = c.get("/api/v1/obligations", params={"licence": NUMBER, "per_page": 500}).json()["items"]
    assert first and [i["id"] for i in first] == [i["id"] for i in again]
    assert len({i["id"] for i in first}) == len(first)
    for key in ("id", "rule_id", "licence", "subject", "period", "due_date", "status", "owner"):
        assert key in first[0]
    with server.client("viewer") as c:
        report = _annual_report(c)
        one = c.get(f"/api/v1/obligations/{report['id']}").json()
    assert report["status"] == "overdue" and one["id"] == report["id"]
    assert one["sources"] and {"instrument", "reliability"} <= set(one["sources"][0])
    assert one["derivation"] and one["what"]["zh"] == "经营许可证年报"


def test_complete_with_evidence_then_reopen(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("officer") as c:
        report = _annual_report(c)
        url = f"/api/v1/obligations/{report['id']}"
        bare = c.post(f"{url}/completions", data={"done_on": "2026-03-20"})
        future = c.post(
            f"{url}/completions",
            data={"done_on": "2027-01-01"},
            files={"files": ("r.pdf", PDF, "application/pdf")},
        )
        done = c.post(
            f"{url}/completions",
            data={"done_on": "2026-03-20", "note": "已在系统提交"},
            files={"files": ("回执.pdf", PDF, "application/pdf")},
        )
        twice = c.post(
            f"{url}/completions",
            data={"done_on": "2026-03-20"},
            files={"files": ("r.pdf", PDF, "application/pdf")},
        )
        after = c.get(url).json()
        listed = c.get("/api/v1/obligations", params={"licence": NUMBER, "status": "done", "per_page": 500})
        file_url = f"{url}/evidence/{after['evidence'][0]['id']}"
        download = c.get(file_url)
    assert bare.status_code == 400 and bare.json()["field"] == "files"  # evidence required by this rule
    assert future.status_code == 400 and future.json()["field"] == "done_on"
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "done" and after["status"] == "done"
    assert after["completed_on"] == "2026-03-20" and after["late"] is False
    assert after["evidence"][0]["sm3"] == sm3_hex(PDF) and after["evidence"][0]["filename"] == "回执.pdf"
    assert twice.status_code == 409
    assert report["id"] in {i["id"] for i in listed.json()["items"]}
    assert download.content == PDF and download.headers["x-content-sm3"] == sm3_hex(PDF)
    assert [h["action"] for h in after["history"]] == ["completed"]

    with server.client("officer") as c:
        no_reason = c.post(f"{url}/reopen", json={"reason": ""})
        reopened = c.post(f"{url}/reopen", json={"reason": "回执属于另一年度"})
    assert no_reason.status_code == 422
    assert reopened.status_code == 200 and reopened.json()["status"] == "overdue"
    assert [h["action"] for h in reopened.json()["history"]] == ["completed", "reopened"]


def test_evidence_free_completion_only_where_the_rule_allows(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("officer") as c:
        items = c.get("/api/v1/obligations", params={"licence": NUMBER, "per_page": 500}).json()["items"]
        pi = next(i for i in items if i["rule_id"] == "privacy.self_inspection" and i["status"] == "overdue")
        done = c.post(f"/api/v1/obligations/{pi['id']}/completions", data={"done_on": "2026-10-30"})
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["status"] == "done" and body["completion_without_evidence"] is True
    assert body["history"][0]["label"] == "已完成（无附件，规则允许）"


def test_owner_and_four_eyes_waiver(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("officer") as c:
        report = _annual_report(c)
        url = f"/api/v1/obligations/{report['id']}"
        nobody = c.post(f"{url}/owner", json={"owner": "nobody"})
        owned = c.post(f"{url}/owner", json={"owner": "officer"})
        by_owner = c.get("/api/v1/obligations", params={"owner": "officer", "per_page": 500}).json()
        asked = c.post(
            f"{url}/waivers", json={"reason": "许可证已到期，不再经营", "expires_on": "2027-06-30"}
        )
        self_approved = c.post(f"{url}/waivers/{asked.json()['id']}/approve")
    assert nobody.status_code == 404 and nobody.json()["field"] == "owner"
    assert owned.json()["owner"] == "officer"
    assert [i["id"] for i in by_owner["items"]] == [report["id"]]
    assert asked.status_code == 201 and asked.json()["state"] == "pending"
    assert self_approved.status_code == 403 and self_approved.json()["field"] == "approver"
    with server.client("admin") as c:
        approved = c.post(f"{url}/waivers/{asked.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "waived"
    assert approved.json()["waivers"][0]["decided_by"] == "admin"


def test_viewer_cannot_act_and_unknown_ids_are_404(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    with server.client("viewer") as c:
        report = _annual_report(c)
        refused = c.post(
            f"/api/v1/obligations/{report['id']}/completions",
            data={"done_on": "2026-03-20"},
            files={"files": ("r.pdf", PDF, "application/pdf")},
        )
        missing = c.get("/api/v1/obligations/ob-0000000000000000")
        garbage = c.get("/api/v1/obligations/not-an-id")
    assert refused.status_code == 403
    assert missing.status_code == 404 and missing.json()["field"] == "id"
    assert garbage.status_code == 404
