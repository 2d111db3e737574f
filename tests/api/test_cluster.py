"""Several processes on one PostgreSQL: two `vats serve` and two `vats worker` on loopback.

A scheduled check round over a fleet of 2,000 sites (a local fixture server answering each after
50 ms) goes out in batches over both workers; one worker is SIGKILLed mid-run and its batches come
back through the stalled-job retry; afterwards every site has exactly one result for the round, the
round was planned once and its recorded job is done with every site counted.
A case recorded through one web process shows in the obligations read through the other within 1 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from vats.api.testing import prepare_database, start_server, stop_server
from vats.checks.fixture_server import FixtureServer, Route

pytestmark = pytest.mark.postgres

SITES = 2000
LICENCE = "渝B2-20210467"


def _page(i: int) -> bytes:
    return (
        f"<html><body><main>站点 {i}</main><footer>经营许可证编号：{LICENCE}</footer></body></html>"
    ).encode()


def _host(i: int) -> str:
    return f"site{i:04d}.cluster.test"


@pytest.fixture
def fleet() -> Iterator[FixtureServer]:
    routes = {_host(i): Route(_page(i), delay=0.05) for i in range(SITES)}
    with FixtureServer(routes) as server:
        yield server


def _seed_inventory(url: str) -> None:
    from vats.checks.inventory import InventoryItem, SiteKind
    from vats.store.checks import import_inventory
    from vats.store.db import make_engine, session_scope

    items = [
        InventoryItem(kind=SiteKind.WEBSITE, name=f"站点{i}", domain=_host(i), licence=LICENCE)
        for i in range(SITES)
    ]
    engine = make_engine(url)
    with session_scope(engine, actor="setup") as session:
        import_inventory(session, items=items)
    engine.dispose()


def _worker(url: str, name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "vats.cli.main", "worker", "--db", url, "--concurrency", "4", "--name", name]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def _scalar(url: str, sql: str, **params: object) -> object:
    from vats.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    from vats.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_two_web_two_workers_one_killed(
    pg_url: str, tmp_path: Path, fleet: FixtureServer, seed_path: Path
) -> None:
    tokens = prepare_database(pg_url)
    _seed_inventory(pg_url)
    resolve = tmp_path / "resolve.txt"
    resolve.write_text("\n".join(fleet.resolve_args()) + "\n", encoding="utf-8")
    now = datetime.now(UTC)
    env = {
        **os.environ,
        "VATS_DATABASE_URL": pg_url,
        # the round of the current minute: due, so the first worker up defers it (once, cluster-wide)
        "VATS_CHECK_CRON": f"{now.minute} {now.hour} * * *",
        "VATS_NOTIFY_CRON": "0 0 1 1 *",
        "VATS_CHECKPOINT_CRON": "0 0 1 1 *",
        "VATS_STALLED_CRON": "*/3 * * * * *",
        "VATS_STALLED_AFTER": "5",
        "VATS_HEARTBEAT": "1",
        "VATS_CHECK_BATCH": "25",
        "VATS_CHECK_RESOLVE_FILE": str(resolve),
        "VATS_CHECK_ALLOW_PRIVATE": "1",
    }
    web_env = {k: v for k, v in env.items() if k.startswith("VATS_")}
    a = start_server(pg_url, tmp_path, env={**web_env, "VATS_SCHEDULER": "1"})
    b = start_server(pg_url, tmp_path, env={**web_env, "VATS_SCHEDULER": "1"})
    a.tokens = b.tokens = tokens
    workers = {name: _worker(pg_url, name, env, tmp_path / f"worker-{name}.log") for name in ("one", "two")}
    try:
        done_sql = "SELECT count(*) FROM check_runs WHERE scope LIKE 'period:%'"
        deadline = time.monotonic() + 120
        while int(_scalar(pg_url, done_sql) or 0) < SITES // 4:  # type: ignore[call-overload]
            assert time.monotonic() < deadline, (tmp_path / "worker-one.log").read_text(errors="replace")
            time.sleep(0.2)
        workers["one"].send_signal(signal.SIGKILL)
        workers["one"].wait()
        killed_at = int(_scalar(pg_url, done_sql) or 0)  # type: ignore[call-overload]
        assert killed_at < SITES, "the round ended before the kill: the test proves nothing"
        deadline = time.monotonic() + 300
        while int(_scalar(pg_url, done_sql) or 0) < SITES:  # type: ignore[call-overload]
            assert time.monotonic() < deadline, (tmp_path / "worker-two.log").read_text(errors="replace")
            time.sleep(0.5)
        time.sleep(6)  # a stalled job retried late would add a second result now

        per_site = _rows(
            pg_url,
            "SELECT scope, count(*) FROM check_runs WHERE scope LIKE 'period:%' GROUP BY scope",
        )
        assert len(per_site) == SITES and all(n == 1 for _, n in per_site)
        results = _scalar(
            pg_url,
            "SELECT count(DISTINCT r.domain) FROM check_results r JOIN check_runs c ON c.id = r.run_id "
            "WHERE c.scope LIKE 'period:%'",
        )
        assert results == SITES
        workers_seen = {r[0] for r in _rows(pg_url, "SELECT DISTINCT options->>'worker' FROM check_runs")}
        assert workers_seen == {"system:worker:one", "system:worker:two"}  # the round spread over both
        planned = _scalar(
            pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'vats.plan_site_checks'"
        )
        assert planned == 1  # two workers and two web processes: the round was deferred once
        rounds = _rows(pg_url, "SELECT state, done, total FROM background_jobs WHERE kind = 'check_round'")
        assert rounds == [("done", SITES, SITES)]  # one recorded round, every site counted once

        with a.client("officer") as ca, seed_path.open("rb") as fh:
            assert ca.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).is_success
        with b.client("officer") as cb:
            before = cb.get("/api/v1/obligations", params={"per_page": 1}).json()["total"]
        from vats.registers.vocab import vocabulary

        case = {
            "licence": LICENCE,
            "site": "maichetong.com.cn",
            "content_ref": "post 42",
            "category": vocabulary().terms("categories").codes()[0],
            "discovered_at": "2026-10-09",
        }
        with a.client("officer") as ca:
            created = ca.post("/api/v1/cases", json=case).json()
            disposed = ca.post(  # a disposed case owes its report: a new obligation
                f"/api/v1/cases/{created['id']}/dispose",
                json={
                    "disposed_at": "2026-10-10",
                    "action": vocabulary().terms("disposal_actions").codes()[0],
                    "records_ref": "box 1",
                },
                headers={"If-Match": f'"{created["version"]}"'},
            )
            assert disposed.status_code == 200, disposed.text
        written = time.monotonic()
        seen = None
        with b.client("officer") as cb:
            while time.monotonic() - written < 1.0:
                total = cb.get("/api/v1/obligations", params={"per_page": 1}).json()["total"]
                if total != before:
                    seen = time.monotonic() - written
                    break
        assert seen is not None and seen < 1.0
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        stop_server(a)
        stop_server(b)
