"""A deadline counted in hours shows its Beijing due time to the minute on the licence page."""

from __future__ import annotations

from pathlib import Path

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


def test_licence_page_shows_the_incident_report_due_time(web_server: Server, seed_path: Path) -> None:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
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
    client, _ = web_server.login("officer")
    page = client.get(f"/licences/{NUMBER}")
    assert page.status_code == 200
    assert "2026-11-02 09:15（北京时间）" in page.text
