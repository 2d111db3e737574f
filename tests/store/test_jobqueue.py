"""Queue entries written in the caller's transaction: many jobs in one statement, in order, with
their locks; none when the transaction rolls back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from vats.store import jobqueue
from vats.store.db import make_engine, session_scope, upgrade


@pytest.mark.postgres
def test_defer_many_queues_in_order_within_the_transaction(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobqueue, "DEFER_STATEMENT", 2)  # several statements for five jobs
    engine = make_engine(pg_url)
    upgrade(engine)
    jobs = [({"n": i}, f"lock:{i}", None) for i in range(5)]
    with session_scope(engine, actor="t") as session:
        ids = jobqueue.defer_many(session, task="vats.t", queue="default", jobs=jobs)
    with pytest.raises(RuntimeError), session_scope(engine, actor="t") as session:
        jobqueue.defer_many(session, task="vats.t", queue="default", jobs=[({"n": 9}, None, None)])
        raise RuntimeError("rolled back")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, args, lock FROM procrastinate_jobs ORDER BY id")).all()
    engine.dispose()
    assert ids == sorted(ids) and len(ids) == 5
    assert [(r.id, r.args, r.lock) for r in rows] == [(i, {"n": n}, f"lock:{n}") for n, i in enumerate(ids)]
