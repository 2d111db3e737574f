"""API fields added for rules fidelity: licence first_issued, the organisation profile, and due_at for
deadlines in hours (real server, SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


def _import(server: Server, seed_path: Path) -> int:
    with server.client("officer") as c, seed_path.open("rb") as fh:
        r = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    assert r.status_code == 201, r.text
    return int(r.json()["organisation_id"])


def test_first_issued_profile_and_due_at(server: Server, seed_path: Path) -> None:
    org = _import(server, seed_path)
    url = f"/api/v1/licences/{NUMBER}"
    with server.client("officer") as c:
        late = c.patch(url, json={"first_issued": "2026-06-01", "version": 1})
        assert late.status_code == 400 and "first_issued" in late.text
        ok = c.patch(url, json={"first_issued": "2021-03-01", "version": 1})
        assert ok.status_code == 200 and ok.json()["first_issued"] == "2021-03-01"
        assert c.get(url).json()["first_issued"] == "2021-03-01"

        profile = c.patch(f"/api/v1/organisations/{org}/profile", json={"large_platform": True})
        assert profile.status_code == 200 and profile.json()["profile"]["large_platform"] is True
        bad = c.patch(f"/api/v1/organisations/{org}/profile", json={"nonsense": True})
        assert bad.status_code in (400, 422)
        assert (
            c.patch("/api/v1/organisations/999999/profile", json={"large_platform": True}).status_code == 404
        )
        rules = {o["rule_id"] for o in c.get("/api/v1/obligations", params={"per_page": 500}).json()["items"]}
        assert "privacy.social_responsibility_report" in rules

        created = c.post(
            "/api/v1/incidents",
            json={
                "licence": NUMBER,
                "kind": "outage",
                "severity": "major",
                "title": "机房断电",
                "started_at": "2026-11-01T08:40",
                "discovered_at": "2026-11-01T09:15",
            },
        )
        assert created.status_code == 201, created.text
        assert created.json()["due"]["due_at"] == "2026-11-02T09:15+08:00"
        items = c.get("/api/v1/obligations", params={"per_page": 500}).json()["items"]
        report = next(o for o in items if o["rule_id"] == "incident.report")
        assert report["due_at"] == "2026-11-02T09:15+08:00" and report["due_date"] == "2026-11-02"
    with server.client("viewer") as c:
        assert (
            c.patch(f"/api/v1/organisations/{org}/profile", json={"large_platform": False}).status_code == 403
        )
