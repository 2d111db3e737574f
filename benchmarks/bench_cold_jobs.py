"""Cold evaluation of a portfolio in slices (issue 18 §3): the obligation cache filled by one
process (`vats status`'s refresh) against the `cold_evaluate` job run by 1 and by 2 `vats worker`
processes, on one PostgreSQL portfolio in one run.

    .venv/bin/python -m benchmarks.bench_cold_jobs [--licences 10000] [--slice 1000]

The portfolio is `bench_store.load`'s. Each measurement starts from an empty cache:
  refresh  — `refresh_obligation_cache` in this process (the baseline: one transaction, one core);
  1 worker, 2 workers — the job submitted as the web's /jobs form does, the workers already up;
                 seconds from submission to the job done (slices evaluated, tally rebuilt).
Reported with the ratio to the refresh, the CPU seconds of this process or of the workers, of every
PostgreSQL process on the machine (other databases' work included), and the load average (the
machine is shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import text

from benchmarks.bench_queue import _postgres_cpu
from benchmarks.bench_store import AS_OF, _database, _drop, load

CACHE_TABLES = (
    "obligation_cache",
    "obligation_cache_state",
    "obligation_cache_tally",
    "obligation_cache_meta",
)


#: per worker: slices run, the first start and the last end (seconds after the first slice was
#: queued) and the seconds spent inside slices, from the queue's own event log
SLICE_SPANS = """
WITH slices AS (
    SELECT j.id, j.worker_id FROM procrastinate_jobs j
    WHERE j.task_name = 'vats.evaluate_slice' AND (j.args->>'job_id')::int = :job
), queued AS (
    SELECT min(ev.at) AS at FROM procrastinate_events ev JOIN slices ON slices.id = ev.job_id
    WHERE ev.type = 'deferred'
)
SELECT coalesce(slices.worker_id::text, '?'), count(*),
       extract(epoch FROM min(s.at) - queued.at), extract(epoch FROM max(e.at) - queued.at),
       sum(extract(epoch FROM e.at - s.at))
FROM slices
JOIN procrastinate_events s ON s.job_id = slices.id AND s.type = 'started'
JOIN procrastinate_events e ON e.job_id = slices.id AND e.type = 'succeeded'
CROSS JOIN queued
GROUP BY 1, queued.at
"""


def _empty_cache(engine: Any) -> None:
    with engine.begin() as conn:
        for table in CACHE_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


def _refresh(engine: Any) -> dict[str, float]:
    from vats.store.db import session_scope
    from vats.store.obligation_refresh import refresh_obligation_cache

    t0, c0, pg0 = time.perf_counter(), time.process_time(), _postgres_cpu()
    with session_scope(engine, actor="bench") as session:
        n = refresh_obligation_cache(session, as_of=AS_OF)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": elapsed, "cpu": cpu, "licences": n, "postgres_cpu": _postgres_cpu() - pg0}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _job(engine: Any, url: str, workers: int, size: int, run: int) -> dict[str, float]:
    from vats.api import jobsubmit
    from vats.store import background
    from vats.store.db import session_scope

    quiet = "0 0 1 1 *"
    env = {**os.environ, "VATS_CHECK_CRON": quiet, "VATS_NOTIFY_CRON": quiet, "VATS_CHECKPOINT_CRON": quiet}
    cmd = [sys.executable, "-m", "vats.cli.main", "worker", "--db", url, "--concurrency", "2"]
    cpu0 = _children_cpu()
    procs = [
        subprocess.Popen([*cmd, "--name", f"{run}-{i}"], env=env, stderr=subprocess.DEVNULL)
        for i in range(workers)
    ]
    try:
        while True:
            with engine.connect() as conn:
                if (
                    conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar() or 0
                ) >= workers:
                    break
            time.sleep(0.05)
        t0, pg0 = time.perf_counter(), _postgres_cpu()
        with session_scope(engine, actor="admin") as session:
            args = {"as_of": AS_OF.isoformat(), "size": size}
            request = background.JobRequest("cold_evaluate", f"bench:{run}", "admin", "bench", None, args)
            job_id = jobsubmit.submit(session, request).id
        while True:
            with session_scope(engine, actor="bench") as session:
                job = session.get(background.BackgroundJob, job_id)
                assert job is not None
                state, total = job.state, job.total
            if state == background.FAILED:
                raise RuntimeError(f"job {job_id} failed")
            if state == background.DONE:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        postgres = _postgres_cpu() - pg0  # before the workers' server processes end with them
        with engine.connect() as conn:
            spans = conn.execute(text(SLICE_SPANS), {"job": job_id}).all()
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=120)
    for worker, slices, first, last, busy in spans:
        print(f"  {worker}: {slices} slices from {first:.1f} s to {last:.1f} s, {busy:.1f} s in slices")
    return {"seconds": elapsed, "cpu": _children_cpu() - cpu0, "licences": total, "postgres_cpu": postgres}


def main() -> None:
    from vats.store.db import make_engine

    ap = argparse.ArgumentParser()
    ap.add_argument("--licences", type=int, default=10000)
    ap.add_argument("--slice", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, name = _database("postgresql", tmp)
        try:
            load(url, args.licences, args.licences * 10)
            engine = make_engine(url)
            rows: list[tuple[str, dict[str, float], float]] = []
            for label, measure in (
                ("refresh, one process", lambda: _refresh(engine)),
                ("job, 1 worker", lambda: _job(engine, url, 1, args.slice, 1)),
                ("job, 2 workers", lambda: _job(engine, url, 2, args.slice, 2)),
            ):
                _empty_cache(engine)
                load_avg = os.getloadavg()[0]
                rows.append((label, measure(), load_avg))
            engine.dispose()
        finally:
            _drop(name)
    base = rows[0][1]["seconds"]
    print(f"licences {args.licences}, slices of {args.slice}")
    print(
        "| measure | load (1 min) | seconds | vs refresh | CPU s (workers incl. start-up) | "
        "PostgreSQL CPU s | licences |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, r, load_avg in rows:
        print(
            f"| {label} | {load_avg:.1f} | {r['seconds']:.1f} | {base / r['seconds']:.2f}x | "
            f"{r['cpu']:.1f} | {r['postgres_cpu']:.1f} | {int(r['licences'])} |"
        )


if __name__ == "__main__":
    main()
