"""A cold evaluation queued on PostgreSQL: two `vats worker` processes take its slices, the job's
progress reaches its total once, and the cache it leaves is the one a whole refresh would leave."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from store.helpers import make_licence
from store.test_obligation_cache import _compare, _portfolio
from vats.api import jobsubmit
from vats.store import background
from vats.store.db import make_engine, session_scope
from vats.store.licences import import_licence
from vats.store.obligation_refresh import refresh_obligation_cache

DAY = date(2026, 11, 28)
QUIET = "0 0 1 1 *"  # no periodic job during the test


@pytest.mark.postgres
def test_two_workers_share_the_slices(pg_url: str, tmp_path: Path, seed_path: Path) -> None:
    from vats.api.testing import prepare_database

    prepare_database(pg_url)
    engine = make_engine(pg_url)
    _portfolio(engine, seed_path)
    with session_scope(engine, actor="t") as s:
        for seed in range(100, 108):
            import_licence(s, licence=make_licence(seed))
    with session_scope(engine, actor="admin") as s:
        args = {"as_of": DAY.isoformat(), "size": 2}
        request = background.JobRequest("cold_evaluate", "cold:pg", "admin", "重算", None, args)
        job_id = jobsubmit.submit(s, request).id
    env = {
        **os.environ,
        **{f"VATS_{k}_CRON": QUIET for k in ("CHECK", "NOTIFY", "CHECKPOINT")},
    }
    cmd = [sys.executable, "-m", "vats.cli.main", "worker", "--db", pg_url, "--concurrency", "2"]
    logs = [tmp_path / f"worker-{i}.log" for i in range(2)]
    workers = []
    for i, log in enumerate(logs):
        with log.open("wb") as out:
            workers.append(subprocess.Popen([*cmd, "--name", str(i)], env=env, stdout=out, stderr=out))
    try:
        deadline = time.monotonic() + 120
        while True:
            with session_scope(engine, actor="t") as s:
                job = s.get(background.BackgroundJob, job_id)
                assert job is not None
                state, done, total = job.state, job.done, job.total
            if state in (background.DONE, background.FAILED):
                break
            assert time.monotonic() < deadline, "\n".join(p.read_text(errors="replace") for p in logs)
            time.sleep(0.3)
    finally:
        for p in workers:
            p.terminate()
            p.wait(timeout=60)
    assert (state, done, total) == (background.DONE, 12, 12)
    with session_scope(engine, actor="t") as s:
        assert refresh_obligation_cache(s, as_of=DAY) == 0
    _compare(engine, DAY)
    engine.dispose()
