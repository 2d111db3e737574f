"""The obligation workspace at portfolio scale, against a trivial endpoint of the same app.

    .venv/bin/python -m benchmarks.bench_workspace [--scale 0.05] [--concurrency 50] [--duration 5]
                                                  [--completions 10] [--db sqlite|postgresql]

Full size (--scale 1): 10,000 licences (bulk-loaded with `benchmarks.bench_store.load`), every
organisation's default owner set to the benchmark user, a real uvicorn process on loopback.

  floor        GET /healthz under `--concurrency` clients: the app's own overhead, p99
  my work      GET /my (我的待办, cookie session) under the same load, p99
  complete     POST /api/v1/obligations/{id}/completions (a PDF attached) and then GET / (the dashboard
               showing the new count), one after the other, `--completions` times: p99 of the pair

Each is reported as a ratio to the floor's p99 (target ≤ 3×). The first request after the load
evaluates the whole portfolio; it is timed and reported apart (a warm-up, as in `bench_web`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_web import FULL_LICENCES, Result, hammer

AS_OF = "2026-11-28"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _owners(url: str) -> None:
    """Every organisation's default owner: the benchmark's admin (so 我的待办 lists its whole share)."""
    from sqlalchemy import select

    from vats.registers.workspace.service import set_default_owner
    from vats.store.db import make_engine, session_scope
    from vats.store.models import Organisation

    engine = make_engine(url)
    with session_scope(engine, actor="bench") as session:
        for org in list(session.scalars(select(Organisation.id))):
            set_default_owner(session, organisation_id=org, owner="admin")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=0.05, help="fraction of 10,000 licences (default 0.05)"
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per hammered endpoint")
    parser.add_argument("--completions", type=int, default=10)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    from benchmarks.bench_store import _database, _drop, load
    from vats.api.testing import prepare_database, start_server, stop_server

    licences = max(1, int(FULL_LICENCES * args.scale))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, pg_name = _database(args.db, tmp_name)
        try:
            t0 = time.perf_counter()
            load(url, licences, licences)
            tokens = prepare_database(url, roles=("admin",), organisation="基准测试组织")
            _owners(url)
            print(f"loaded {licences} licences on {args.db} in {time.perf_counter() - t0:.1f}s")
            server = start_server(url, tmp, env={"VATS_AS_OF": AS_OF})
            try:
                results = _run(server, tokens["admin"], args)
            finally:
                stop_server(server)
        finally:
            _drop(pg_name)
    _report(results, licences, args)
    sys.exit(1 if any(r.errors for r in results) else 0)


def _run(server: object, token: str, args: argparse.Namespace) -> list[Result]:
    import httpx

    from vats.api.testing import Server

    assert isinstance(server, Server)
    browser, _csrf = server.login("admin")
    cookies = dict(browser.cookies)
    bearer = {"Authorization": f"Bearer {token}"}
    t0 = time.perf_counter()
    for path, headers, jar in (("/", {}, cookies), ("/my", {}, cookies)):
        httpx.get(f"{server.url}{path}", headers=headers, cookies=jar, timeout=600).raise_for_status()
    print(f"warm-up (portfolio evaluation, then 我的待办): {time.perf_counter() - t0:.1f}s")

    results = []
    for name, path, headers, jar in (("floor", "/healthz", {}, {}), ("my work", "/my", {}, cookies)):
        latencies, errors, elapsed = asyncio.run(
            hammer(
                server.url,
                path,
                headers=headers,
                cookies=jar,
                concurrency=args.concurrency,
                duration=args.duration,
            )
        )
        results.append(Result(name, latencies, errors, elapsed))

    with httpx.Client(base_url=server.url, headers=bearer, timeout=600) as api:
        listing = api.get(
            "/api/v1/obligations",
            params={"status": "overdue", "rule": "licence.annual_report", "per_page": 500},
        ).json()["items"]
        targets = [i["id"] for i in listing][: args.completions]
        latencies: list[float] = []
        errors = 0
        began = time.perf_counter()
        with httpx.Client(base_url=server.url, cookies=cookies, timeout=600) as web:
            for ident in targets:
                start = time.perf_counter()
                done = api.post(
                    f"/api/v1/obligations/{ident}/completions",
                    data={"done_on": "2026-03-20"},
                    files={"files": ("receipt.pdf", PDF, "application/pdf")},
                )
                page = web.get("/")
                if done.status_code == 201 and page.status_code == 200:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1
                    print(f"  complete {ident}: {done.status_code} {done.text[:200]}; / {page.status_code}")
        results.append(Result("complete+dashboard", latencies, errors, time.perf_counter() - began))
    return results


def _report(results: list[Result], licences: int, args: argparse.Namespace) -> None:
    floor = results[0]
    print(f"\n{licences} licences, {args.concurrency} clients, {args.duration:.0f}s per endpoint, {args.db}")
    heads = ("n", "p50 ms", "p99 ms", "errors", "p99/floor p99")
    print(f"{'measure':<20} " + " ".join(f"{h:>14}" for h in heads))
    for r in results:
        print(
            f"{r.name:<20} {len(r.latencies_ms):>14} {r.p50:>14.1f} {r.p99:>14.1f} {r.errors:>14} "
            f"{r.p99 / floor.p99:>14.2f}"
        )


if __name__ == "__main__":
    main()
