"""Cold paths (issue 18 §3): cold `vats status` against the engine alone, and the first web request
after a restart, on one portfolio in one run.

    .venv/bin/python -m benchmarks.bench_cold [--licences 10000] [--db sqlite|postgresql]
        [--keep PATH] [--restart]

The portfolio is `bench_store.load`'s (licences with their revisions, ten disposal cases and one
reported case's events per ten). Measured in one process, one after the other:
  engine   — the rules engine over every licence with its events, the licences already decoded and
             split into runs (what the engine alone costs on this portfolio; the baseline);
  cold     — `portfolio_status` with an empty obligation cache: reads the stored licences and
             events, evaluates them and writes every cache row (through `store.evaluate`);
  ratio    — cold ÷ engine (target ≤ 3×).
With --restart, the first web request after a restart as well: a real uvicorn process is started
on the database, an admin logs in and `GET /` (the dashboard) is timed; the process is stopped and a
new one started, and its first `GET /` is timed again (`GET /healthz` of the same process alongside).
`--keep PATH` keeps the SQLite file (reused when it exists, so repeated runs skip the load).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_store import AS_OF, _database, _drop, load


def _engine_alone(url: str) -> dict[str, float]:
    """The engine over every stored licence, inputs prepared beforehand (not timed)."""
    from vats.rules.engine import evaluate
    from vats.rules.settings import EngineSettings
    from vats.store.db import make_engine, session_scope
    from vats.store.events import engine_runs, holder_wide_events
    from vats.store.licences import iter_domain_licences
    from vats.store.profile_rows import profiles_by_licence

    engine = make_engine(url)
    settings = EngineSettings()
    with session_scope(engine, actor="bench") as session:
        holder = holder_wide_events(session)
        prepared = []
        for licences in iter_domain_licences(session, chunk=1000):
            runs = engine_runs(session, licences, holder=holder)
            prepared.append((runs, profiles_by_licence(session, [lic.number for lic in licences])))
    evaluate([], [], AS_OF, settings=settings)  # the rule library loaded outside the timing
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for runs, profiles in prepared:
        for group, events in runs:
            n += len(evaluate(group, events, AS_OF, settings=settings, profiles=profiles).obligations)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    engine.dispose()
    return {"seconds": elapsed, "cpu": cpu, "obligations": float(n)}


def _cold_status(url: str) -> dict[str, float]:
    from vats.store.db import make_engine, session_scope
    from vats.store.status import portfolio_status

    engine = make_engine(url)
    t0, c0 = time.perf_counter(), time.process_time()
    with session_scope(engine, actor="bench") as session:
        status = portfolio_status(session, as_of=AS_OF)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    engine.dispose()
    obligations = float(sum(status.obligations_by_status.values()))
    return {"seconds": elapsed, "cpu": cpu, "obligations": obligations}


def _first_request(url: str, workdir: Path) -> dict[str, float]:
    """A freshly started `uvicorn` process on the database: the first `GET /` (the dashboard) after
    logging in, against `GET /healthz` of the same process. Run twice: the first start fills
    whatever the web keeps (the "before restart" server), the second is the restart measured."""
    import httpx

    from vats.api.testing import start_server, stop_server

    out: dict[str, float] = {}
    for label in ("initial", "restart"):
        server = start_server(url, workdir, env={"VATS_AS_OF": AS_OF.isoformat()})
        assert server.process is not None
        pid = server.process.pid
        try:
            browser, _csrf = server.login("admin")
            t0 = time.perf_counter()
            httpx.get(f"{server.url}/healthz", timeout=600).raise_for_status()
            out[f"{label}_healthz_s"] = time.perf_counter() - t0
            first_obligation = ""
            for name, path in PAGES:
                t0, c0 = time.perf_counter(), _cpu_of(pid)
                page = browser.get(path.format(obligation=first_obligation), timeout=600)
                page.raise_for_status()
                out[f"{label}_{name}_s"] = time.perf_counter() - t0
                out[f"{label}_{name}_cpu"] = _cpu_of(pid) - c0
                if name == "first":  # the dashboard's most urgent obligation, opened next
                    first_obligation = OBLIGATION_LINK.findall(page.text)[0]
        finally:
            stop_server(server)
    return out


#: What the first requests after a start ask for, in order: the dashboard, its most urgent
#: obligation, the lists its two obligation counts link to, the obligations page as the menu opens
#: it, the obligations API.
OBLIGATION_LINK = re.compile(r'href="/obligations/(ob-[0-9a-f]+)"')
PAGES = (
    ("first", "/"),
    ("detail", "/obligations/{obligation}"),
    ("overdue", "/obligations?view=all&status=overdue"),
    ("due30", "/obligations?view=all&due_within=30"),
    ("list", "/obligations"),
    ("api", "/api/v1/obligations"),
)


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, workdir: Path, *, licences: int, restart: bool, loaded: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not loaded:
        out["load"] = load(url, licences, licences * 10)
    out["engine"] = _engine_alone(url)
    out["cold"] = _cold_status(url)
    if restart:
        from vats.api.testing import prepare_database
        from vats.model.errors import ConflictError

        with contextlib.suppress(ConflictError):  # a kept database prepared by an earlier run
            prepare_database(url, roles=("admin",), organisation="基准测试组织")
        out["first"] = _first_request(url, workdir)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--licences", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--keep", help="SQLite file to keep (and reuse)")
    parser.add_argument("--restart", action="store_true", help="also the first web request after a restart")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pg_name = None
        loaded = False
        if args.keep:
            path = Path(args.keep)
            loaded = path.exists()
            if loaded:
                _reset_cache(f"sqlite:///{path}")
            url = f"sqlite:///{path}"
        else:
            url, pg_name = _database(args.db, tmp)
        try:
            result = run(url, Path(tmp), licences=args.licences, restart=args.restart, loaded=loaded)
        finally:
            _drop(pg_name)
    engine, cold = result["engine"], result["cold"]
    print(
        f"[{url.split(':', 1)[0]}] {args.licences:,} licences, {cold['obligations']:,.0f} obligations: "
        f"engine alone {engine['seconds']:.2f}s, cold status {cold['seconds']:.2f}s, "
        f"ratio {cold['seconds'] / engine['seconds']:.2f}x (CPU of this process: "
        f"engine {engine['cpu']:.2f}s, cold {cold['cpu']:.2f}s, "
        f"ratio {cold['cpu'] / engine['cpu']:.2f}x; a database server's CPU is not in it)"
    )
    if "first" in result:
        first = result["first"]
        for label, when in (("initial", "on a new database state"), ("restart", "after a restart")):
            pages = ", ".join(
                f"{path} {first[f'{label}_{name}_s']:.3f}s (server CPU {first[f'{label}_{name}_cpu']:.2f}s)"
                for name, path in PAGES
            )
            print(f"  {when}: {pages}; GET /healthz {first[f'{label}_healthz_s']:.3f}s")
        print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _reset_cache(url: str) -> None:
    """Empty the obligation cache of a kept database (migrated to the current schema first), so
    the next status is cold again."""
    from sqlalchemy import delete

    from vats.store.db import make_engine, upgrade
    from vats.store.obligation_cache import (
        CachedObligation,
        ObligationCacheMeta,
        ObligationCacheState,
        ObligationCacheTally,
    )

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        for model in (CachedObligation, ObligationCacheState, ObligationCacheMeta, ObligationCacheTally):
            conn.execute(delete(model.__table__))
    engine.dispose()


if __name__ == "__main__":
    main()
