"""The record of background jobs: one job per key, one claim per job, scoped reads, retry of failures."""

from __future__ import annotations

import pytest

from vats.api.deps import Principal, Role
from vats.model.errors import InputError, NotFoundError
from vats.store import background
from vats.store.background import JobRequest
from vats.store.db import make_engine, session_scope

ADMIN = Principal(name="admin", role=Role.ADMIN)
OFFICER_A = Principal(name="officer", role=Role.OFFICER, organisations=frozenset({1}))


def _request(key: str, org: int | None, actor: str = "officer") -> JobRequest:
    return JobRequest("report", key, actor, f"报告 {key}", org, {"format": "html", "as_of": "2026-11-02"})


def test_one_job_per_key_and_one_claim_per_job(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with session_scope(engine, actor="t") as session:
        first = background.submit(session, _request("k1", 1))
        again = background.submit(session, _request("k1", 1))
        assert first.created and not again.created and again.job.id == first.job.id
        job_id = first.job.id
    with session_scope(engine, actor="t") as session:
        claimed = background.claim(session, job_id=job_id)
        assert claimed is not None and claimed.state == background.RUNNING and claimed.attempts == 1
        assert background.claim(session, job_id=job_id) is None  # a second delivery takes nothing
        taken_over = background.reclaim(session, job_id=job_id)  # a redelivery after a crash
        assert taken_over is not None and taken_over.attempts == 2
        background.set_total(session, job_id=job_id, total=2)
        background.advance(session, job_id=job_id)
        assert not background.finish_if_complete(session, job_id=job_id, links=[])
        background.advance(session, job_id=job_id)
        assert background.finish_if_complete(session, job_id=job_id, links=[{"label": "x", "href": "/x"}])
        assert background.reclaim(session, job_id=job_id) is None  # done: nothing runs it again
    with session_scope(engine, actor="t") as session:
        job = background.get_job(session, job_id=job_id, principal=ADMIN)
        assert (job.state, job.done, job.total, job.links) == ("done", 2, 2, [{"label": "x", "href": "/x"}])
    engine.dispose()


def test_reads_are_scoped_by_organisation(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with session_scope(engine, actor="t") as session:
        own = background.submit(session, _request("a", 1)).job.id
        other = background.submit(session, _request("b", 2)).job.id
        mine = background.submit(session, _request("c", None, actor="officer")).job.id
        system = background.submit(session, _request("d", None, actor="system:schedule")).job.id
    with session_scope(engine, actor="t") as session:
        seen = {j.id for j in background.list_jobs(session, principal=OFFICER_A)}
        assert seen == {own, mine}
        assert {j.id for j in background.list_jobs(session, principal=ADMIN)} == {own, other, mine, system}
        assert background.count_by_state(session, principal=OFFICER_A) == {
            "queued": 2,
            "running": 0,
            "done": 0,
            "failed": 0,
        }
        for hidden in (other, system):
            with pytest.raises(NotFoundError):
                background.get_job(session, job_id=hidden, principal=OFFICER_A)
            with pytest.raises(NotFoundError):
                background.requeue(session, job_id=hidden, principal=OFFICER_A)
        with pytest.raises(InputError) as bad:
            background.list_jobs(session, principal=ADMIN, state="bogus")
        assert bad.value.field == "state"
    engine.dispose()


def test_only_a_failed_job_is_retried(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with session_scope(engine, actor="t") as session:
        job_id = background.submit(session, _request("r", 1)).job.id
        with pytest.raises(InputError) as queued:
            background.requeue(session, job_id=job_id, principal=OFFICER_A)
        assert queued.value.field == "job_id"
        background.fail(session, job_id=job_id, error="x" * 5000)
    with session_scope(engine, actor="t") as session:
        failed = background.get_job(session, job_id=job_id, principal=OFFICER_A)
        assert failed.state == "failed" and failed.error is not None
        assert len(failed.error) == background.MAX_ERROR
        again = background.requeue(session, job_id=job_id, principal=OFFICER_A)
        assert (again.state, again.error, again.finished_at) == ("queued", None, None)
    engine.dispose()
