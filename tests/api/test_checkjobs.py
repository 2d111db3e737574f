"""`POST /api/v1/checks/runs` with workers: the check is queued as the same recorded job the web's
立即检查 starts, answered 202 with where to follow it; the job is read back within the caller's
organisations only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from vats.api.app import create_app
from vats.api.settings import Settings
from vats.api.testing import PASSWORD, prepare_database
from vats.store import accounts, background
from vats.store.db import make_engine, session_scope

NUMBER = "渝B2-20210467"


def _client(url: str, token: str) -> TestClient:
    app = create_app(database_url=url, settings=Settings(scheduler=False))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def _outsider(url: str) -> str:
    """An officer granted no organisation."""
    engine = make_engine(url)
    with session_scope(engine, actor="setup") as session:
        accounts.create_user(session, name="outsider", role="officer", password=PASSWORD)
        token = accounts.create_token(session, user="outsider", name="test").secret
    engine.dispose()
    return token


@pytest.mark.postgres
def test_check_run_is_queued_with_workers(pg_url: str, seed_path: Path) -> None:
    tokens = prepare_database(pg_url)
    outsider = _outsider(pg_url)
    with _client(pg_url, tokens["officer"]) as c, seed_path.open("rb") as fh:
        assert c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).is_success
        started = c.post("/api/v1/checks/runs", json={"licence": NUMBER})
        again = c.post("/api/v1/checks/runs", json={"licence": NUMBER})
        followed = c.get(started.headers["location"])
        missing = c.post("/api/v1/checks/runs", json={"licence": "京B2-20990001"})
    with _client(pg_url, outsider) as c:
        hidden = c.get(started.headers["location"])
        refused = c.post("/api/v1/checks/runs", json={"licence": NUMBER})
    with _client(pg_url, tokens["auditor"]) as c:
        reader = c.get(started.headers["location"])
        not_writer = c.post("/api/v1/checks/runs", json={"licence": NUMBER})
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        queued = conn.execute(
            text("SELECT args FROM procrastinate_jobs WHERE task_name = 'vats.run_job'")
        ).all()
    engine.dispose()
    body = started.json()
    assert started.status_code == 202, started.text
    assert started.headers["location"] == body["href"] == f"/api/v1/jobs/recorded/{body['id']}"
    assert body["kind"] == "check_licence" and body["state"] == "queued" and body["state_zh"] == "排队中"
    assert body["page"] == f"/jobs/{body['id']}" and body["label"] == NUMBER
    assert again.status_code == 202 and again.json()["id"] == body["id"]  # the same minute: one job
    assert [row.args for row in queued] == [{"job_id": body["id"]}]
    assert followed.status_code == 200 and followed.json()["id"] == body["id"]
    assert missing.status_code == 404 and "licence" in missing.text
    assert hidden.status_code == 404 and refused.status_code == 404
    assert reader.status_code == 200 and not_writer.status_code == 403


def test_recorded_job_read_back_on_sqlite(sqlite_url: str) -> None:
    tokens = prepare_database(sqlite_url)
    engine = make_engine(sqlite_url)
    with session_scope(engine, actor="admin") as session:
        request = background.JobRequest("checkpoint", "checkpoint:t", "admin", "审计检查点 t", None)
        job_id = int(background.submit(session, request).job.id)
    engine.dispose()
    with _client(sqlite_url, tokens["admin"]) as c:
        found = c.get(f"/api/v1/jobs/recorded/{job_id}")
        absent = c.get(f"/api/v1/jobs/recorded/{job_id + 1}")
    with _client(sqlite_url, tokens["officer"]) as c:
        hidden = c.get(f"/api/v1/jobs/recorded/{job_id}")  # no organisation, asked for by another
    assert found.status_code == 200 and found.json()["state"] == "queued" and found.json()["total"] == 0
    assert absent.status_code == 404 and hidden.status_code == 404
