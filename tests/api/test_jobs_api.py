"""/api/v1/jobs: the queue's jobs by state for administrators, and a failed job queued again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from vats.api.app import create_app
from vats.api.settings import Settings
from vats.api.testing import prepare_database
from vats.store.db import make_engine


def _client(url: str, token: str) -> TestClient:
    app = create_app(database_url=url, settings=Settings(scheduler=False))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_sqlite_has_no_queue(sqlite_url: str) -> None:
    tokens = prepare_database(sqlite_url)
    with _client(sqlite_url, tokens["admin"]) as c:
        body = c.get("/api/v1/jobs").json()
        missing = c.post("/api/v1/jobs/1/retry")
    assert body["queue"] is False and body["items"] == [] and body["counts"]["failed"] == 0
    assert missing.status_code == 404


@pytest.mark.postgres
def test_failed_job_listed_and_retried(pg_url: str) -> None:
    from vats.api.queue import build_app

    tokens = prepare_database(pg_url)
    engine = make_engine(pg_url)
    app = build_app(pg_url, engine)
    with app.open():
        job_id = app.configure_task("vats.notify").defer(timestamp=0)
    with engine.begin() as conn:
        conn.execute(text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = :id"), {"id": job_id})
    with _client(pg_url, tokens["admin"]) as c:
        failed = c.get("/api/v1/jobs", params={"state": "failed"}).json()
        retried = c.post(f"/api/v1/jobs/{job_id}/retry")
        again = c.post(f"/api/v1/jobs/{job_id}/retry")
        queued = c.get("/api/v1/jobs", params={"state": "queued"}).json()
        bad = c.get("/api/v1/jobs", params={"state": "nonsense"})
    with _client(pg_url, tokens["officer"]) as c:
        refused = c.get("/api/v1/jobs")
    engine.dispose()
    assert failed["queue"] is True and [j["id"] for j in failed["items"]] == [job_id]
    assert failed["items"][0]["state_zh"] == "失败" and failed["counts"]["failed"] == 1
    assert retried.status_code == 202
    assert again.status_code in (400, 409, 422) and "job_id" in again.text
    assert [j["id"] for j in queued["items"]] == [job_id] and queued["items"][0]["attempts"] == 1
    assert bad.status_code in (400, 422) and "state" in bad.text
    assert refused.status_code == 403
