"""Crawl throughput of the PostgreSQL job queue with 1 vs 2 `vats worker` processes, one site per
job vs batches of sites per job (all four in the same run).

    .venv/bin/python -m benchmarks.bench_queue [--sites 300] [--delay 0.05] [--concurrency 4] [--batch 20]

A fresh PostgreSQL database per measurement with `--sites` inventory websites served by the
loopback fixture server (each answer delayed `--delay` s); the workers' check round is due at
start, so the first worker up plans it (one job per site). Reported: seconds from the workers'
start to the last site's stored result, sites/s, the ratio of 2 workers to 1, and of batches
(`VATS_CHECK_BATCH`, results committed one by one or a batch at a time: `VATS_CHECK_COMMIT`) to one
site per job.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import text

ADMIN = os.environ.get("VATS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
LICENCE = "渝B2-20210467"


def _database() -> tuple[str, str]:
    name = f"vats_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


def _drop(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(
    workers: int, sites: int, delay: float, concurrency: int, batch: int, commit: int, tmp: Path
) -> float:
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
            now = datetime.now(UTC)
            env = {
                **os.environ,
                "VATS_CHECK_CRON": f"{now.minute} {now.hour} * * *",
                "VATS_NOTIFY_CRON": "0 0 1 1 *",
                "VATS_CHECKPOINT_CRON": "0 0 1 1 *",
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
            t0 = time.perf_counter()
            procs = [
                subprocess.Popen([*cmd, "--name", str(i)], env=env, stderr=subprocess.DEVNULL)
                for i in range(workers)
            ]
            try:
                while True:
                    with engine.connect() as conn:
                        done = conn.execute(
                            text("SELECT count(*) FROM check_runs WHERE scope LIKE 'period:%'")
                        ).scalar()
                    if done and done >= sites:
                        break
                    time.sleep(0.2)
                elapsed = time.perf_counter() - t0
            finally:
                for p in procs:
                    p.terminate()
                    p.wait(timeout=60)
        engine.dispose()
        return elapsed
    finally:
        _drop(name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=300)
    ap.add_argument("--delay", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--batch", type=int, default=20)
    args = ap.parse_args()
    plans = [(1, 1), (args.batch, 1), (args.batch, args.batch)]  # (sites per job, sites per commit)
    times: dict[tuple[int, int, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for batch, commit in plans:
            for workers in (1, 2):
                seconds = run(workers, args.sites, args.delay, args.concurrency, batch, commit, Path(tmp))
                times[batch, commit, workers] = seconds
    print(f"sites {args.sites}, delay {args.delay}s, concurrency {args.concurrency} per worker")
    print(
        "| sites per job | sites per commit | workers | seconds | sites/s | vs 1 worker | vs 1 site per job |"
    )
    print("|---|---|---|---|---|---|---|")
    for (batch, commit, workers), seconds in times.items():
        print(
            f"| {batch} | {commit} | {workers} | {seconds:.1f} | {args.sites / seconds:.1f} | "
            f"{times[batch, commit, 1] / seconds:.2f}x | {times[1, 1, workers] / seconds:.2f}x |"
        )


if __name__ == "__main__":
    main()
