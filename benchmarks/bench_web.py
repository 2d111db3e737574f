"""Web/API latency and throughput on a portfolio, against a trivial endpoint of the same app.

    .venv/bin/python -m benchmarks.bench_web [--scale 0.05] [--concurrency 50] [--duration 5]
                                            [--workers 1] [--db sqlite|postgresql]

Full size (--scale 1): 10,000 licences (bulk-loaded with `benchmarks.bench_store.load`, plus one
disposal case per licence). A real uvicorn process on loopback; `--concurrency` httpx async clients
hammer one endpoint at a time for `--duration` seconds:

  floor        GET /healthz               (no auth, no database: the app's own overhead)
  dashboard    GET /                      (web page, cookie session: counts + expired licences)
  licences     GET /api/v1/licences       (bearer token, first page of 50, SQL-paginated)
  obligations  GET /api/v1/obligations    (bearer token, first page of 50 of the evaluated portfolio)

Reported per endpoint: p50 / p99 latency (ms), requests/s, errors, and p50 and throughput as ratios
to the floor measured in the same run. Any error (non-2xx or transport failure) is counted and makes
the script exit 1: the target is zero errors under 50 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FULL_LICENCES = 10_000
AS_OF = "2026-11-28"


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    errors: int
    seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


async def hammer(
    url: str,
    path: str,
    *,
    headers: dict[str, str],
    cookies: dict[str, str],
    concurrency: int,
    duration: float,
) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    reasons: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, cookies=cookies, timeout=120.0, limits=limits
    ) as client:
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    reason = None if response.status_code == 200 else f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    reason = type(exc).__name__
                if reason is None:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1
                    reasons[reason] = reasons.get(reason, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    if reasons:
        print(f"  errors on {path}: {reasons}")
    return latencies, errors, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=0.05, help="fraction of 10,000 licences (default 0.05)"
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    from benchmarks.bench_store import _database, _drop, load
    from vats.api.testing import prepare_database, start_server, stop_server

    licences = max(1, int(FULL_LICENCES * args.scale))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, pg_name = _database(args.db, tmp_name)  # shared with bench_store: same load, same databases
        try:
            t0 = time.perf_counter()
            load(url, licences, licences)
            tokens = prepare_database(url, roles=("admin",), organisation="基准测试组织")
            took = time.perf_counter() - t0
            print(f"loaded {licences} licences + {licences} cases on {args.db} in {took:.1f}s")
            server = start_server(url, tmp, env={"VATS_AS_OF": AS_OF}, workers=args.workers)
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
    plan = [
        ("floor", "/healthz", {}, {}),
        ("dashboard", "/", {}, cookies),
        ("licences", "/api/v1/licences", bearer, {}),
        ("obligations", "/api/v1/obligations", bearer, {}),
    ]
    t0 = time.perf_counter()
    for _name, path, headers, jar in plan:  # warm-up: the first request evaluates the portfolio
        r = httpx.get(f"{server.url}{path}", headers=headers, cookies=jar, timeout=600)
        r.raise_for_status()
    print(f"warm-up (portfolio evaluation, cached per database state): {time.perf_counter() - t0:.1f}s")
    results = []
    for name, path, headers, jar in plan:
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
    return results


def _report(results: list[Result], licences: int, args: argparse.Namespace) -> None:
    floor = results[0]
    print(
        f"\n{licences} licences, {args.concurrency} concurrent clients, {args.duration:.0f}s per endpoint, "
        f"{args.workers} worker(s), {args.db}"
    )
    heads = ("p50 ms", "p99 ms", "req/s", "errors", "p50/floor", "rps/floor")
    print(f"{'endpoint':<12} " + " ".join(f"{h:>10}" for h in heads))
    for r in results:
        print(
            f"{r.name:<12} {r.p50:>10.1f} {r.p99:>10.1f} {r.rps:>10.1f} {r.errors:>10} "
            f"{r.p50 / floor.p50:>10.2f} {r.rps / floor.rps:>10.2f}"
        )


if __name__ == "__main__":
    main()
