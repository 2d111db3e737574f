"""Crawl throughput of the PostgreSQL job queue with 1 vs 2 `vats worker` processes (same run).

    .venv/bin/python -m benchmarks.bench_queue [--sites 300] [--delay 0.05] [--concurrency 4]
        [--batch 20] [--repeat 1] [--all-plans]

A fresh PostgreSQL database per measurement with `--sites` inventory websites served by the
loopback fixture server (each answer delayed `--delay` s). The workers are started and waited for
(their start-up is reported apart: a worker runs for days, its start-up is not crawl time); then
the check round is submitted as the schedule does (one recorded job, planned by a worker into
batches of `VATS_CHECK_BATCH` sites, results committed `VATS_CHECK_COMMIT` at a time). Reported per
measurement: seconds from submission to the last stored result, sites/s, 2 workers ÷ 1, when the
batches were queued and the first site stored, and CPU seconds of the workers, of PostgreSQL (every
process of the local server, so other databases' work counts too) and of this process (the fixture
server). `--all-plans` adds one site per job and per-site commits.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

ADMIN = os.environ.get("VATS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
LICENCE = "渝B2-20210467"
CHECK_BATCH = "vats.check_batch"


def _database() -> tuple[str, str]:
    name = f"vats_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


def _drop(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True, slots=True)
class Timing:
    """One measurement: wall seconds from the round's submission to its last stored result (the
    workers already up), where that time went, and the CPU seconds spent on it."""

    seconds: float  #: submitted → last site stored
    startup: float  #: workers started → every worker waiting for jobs (not in `seconds`)
    planned: float  #: submitted → the round's batches queued
    first: float  #: submitted → first site stored
    per_worker: dict[str, int]  #: sites stored by each worker
    worker_cpu: float  #: CPU seconds of the worker processes, start-up included
    startup_cpu: float  #: of which before the round was submitted
    postgres_cpu: float  #: CPU seconds of every PostgreSQL process over `seconds` (shared server)
    bench_cpu: float  #: this process (the fixture server's threads and the polling)


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL processes on this machine (readable where the server is local)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if "postgres" not in fields[0]:
                continue
            values = fields[1].split()
            total += int(values[11]) + int(values[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    """CPU seconds of a running child (its own threads; children are counted when reaped)."""
    values = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")


def _scalar(engine: Any, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def run(
    workers: int, sites: int, delay: float, concurrency: int, batch: int, commit: int, tmp: Path
) -> Timing:
    from vats.api import jobsubmit, schedule
    from vats.checks.fixture_server import FixtureServer, Route
    from vats.checks.inventory import InventoryItem, SiteKind
    from vats.store.checks import import_inventory
    from vats.store.db import make_engine, session_scope, upgrade

    hosts = [f"site{i:05d}.queue.test" for i in range(sites)]
    page = f"<html><body><footer>经营许可证编号：{LICENCE}</footer></body></html>".encode()
    name, url = _database()
    try:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine, actor="bench") as session:
            items = [InventoryItem(kind=SiteKind.WEBSITE, name=h, domain=h, licence=LICENCE) for h in hosts]
            import_inventory(session, items=items)
        with FixtureServer({h: Route(page, delay=delay) for h in hosts}) as fleet:
            resolve = tmp / "resolve.txt"
            resolve.write_text("\n".join(fleet.resolve_args()) + "\n", encoding="utf-8")
            quiet = "0 0 1 1 *"  # the round is submitted below, once every worker is up
            env = {
                **os.environ,
                "VATS_CHECK_CRON": quiet,
                "VATS_NOTIFY_CRON": quiet,
                "VATS_CHECKPOINT_CRON": quiet,
                "VATS_CHECK_RESOLVE_FILE": str(resolve),
                "VATS_CHECK_ALLOW_PRIVATE": "1",
                "VATS_CHECK_BATCH": str(batch),
                "VATS_CHECK_COMMIT": str(commit),
            }
            cmd = [
                sys.executable,
                "-m",
                "vats.cli.main",
                "worker",
                "--db",
                url,
                "--concurrency",
                str(concurrency),
            ]
            cpu0, t_start = _children_cpu(), time.perf_counter()
            procs = [
                subprocess.Popen([*cmd, "--name", str(i)], env=env, stderr=subprocess.DEVNULL)
                for i in range(workers)
            ]
            try:
                while (_scalar(engine, "SELECT count(*) FROM procrastinate_workers") or 0) < workers:
                    time.sleep(0.05)
                startup = time.perf_counter() - t_start
                startup_cpu = sum(_proc_cpu(p.pid) for p in procs)
                pg0, me0 = _postgres_cpu(), time.process_time()
                t0 = time.perf_counter()
                period = datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
                job_id = schedule.round_job(engine, period=period)
                with session_scope(engine, actor="bench") as session:
                    jobsubmit.start(session, job_id=job_id)
                planned = first = 0.0
                while True:
                    done = _scalar(engine, "SELECT count(*) FROM check_runs WHERE scope LIKE 'period:%'")
                    now = time.perf_counter() - t0
                    if not planned and _scalar(
                        engine, f"SELECT count(*) FROM procrastinate_jobs WHERE task_name = '{CHECK_BATCH}'"
                    ):
                        planned = now
                    if done and not first:
                        first = now
                    if done and done >= sites:
                        break
                    time.sleep(0.05)
                elapsed = time.perf_counter() - t0
                pg_cpu, bench_cpu = _postgres_cpu() - pg0, time.process_time() - me0
                with engine.connect() as conn:
                    per_worker = dict(
                        conn.execute(
                            text("SELECT options->>'worker', count(*) FROM check_runs GROUP BY 1")
                        ).all()
                    )
            finally:
                for p in procs:
                    p.terminate()
                    p.wait(timeout=60)
            worker_cpu = _children_cpu() - cpu0
        engine.dispose()
        return Timing(
            elapsed, startup, planned, first, per_worker, worker_cpu, startup_cpu, pg_cpu, bench_cpu
        )
    finally:
        _drop(name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=300)
    ap.add_argument("--delay", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1, help="rounds of 1 then 2 workers, alternating")
    ap.add_argument("--all-plans", action="store_true", help="also one site per job, and per-site commits")
    args = ap.parse_args()
    plans = [(args.batch, args.batch)]  # (sites per job, sites per commit)
    if args.all_plans:
        plans = [(1, 1), (args.batch, 1), *plans]
    rows: list[tuple[int, int, int, Timing, tuple[float, ...]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(max(1, args.repeat)):
            for batch, commit in plans:
                for workers in (1, 2):
                    load = os.getloadavg()
                    timing = run(workers, args.sites, args.delay, args.concurrency, batch, commit, Path(tmp))
                    rows.append((batch, commit, workers, timing, load))
    print(f"sites {args.sites}, delay {args.delay}s, concurrency {args.concurrency} per worker")
    print(
        "| sites per job | sites per commit | workers | load (1 min) | start-up s (CPU) | planned s | "
        "first site s | seconds | sites/s | vs 1 worker | worker CPU s (start-up excl.) | "
        "PostgreSQL CPU s | bench CPU s | sites per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    one: dict[tuple[int, int], float] = {}
    for batch, commit, workers, t, load in rows:
        if workers == 1:
            one[batch, commit] = t.seconds
        split = " / ".join(str(n) for _w, n in sorted(t.per_worker.items()))
        print(
            f"| {batch} | {commit} | {workers} | {load[0]:.1f} | {t.startup:.1f} ({t.startup_cpu:.1f}) | "
            f"{t.planned:.2f} | {t.first:.2f} | {t.seconds:.1f} | {args.sites / t.seconds:.0f} | "
            f"{one[batch, commit] / t.seconds:.2f}x | {t.worker_cpu - t.startup_cpu:.1f} | "
            f"{t.postgres_cpu:.1f} | {t.bench_cpu:.1f} | {split} |"
        )


if __name__ == "__main__":
    main()
