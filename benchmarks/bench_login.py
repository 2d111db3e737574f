"""A normal page's latency while a flood of logins with unknown names is being hashed.

    .venv/bin/python -m benchmarks.bench_login [--sources 10] [--attempts 200] [--samples 60]

A real uvicorn process on loopback (one worker). A signed-in viewer requests `GET /account` one
request at a time: first with the server idle (the baseline), then while `--attempts` logins with
unknown names arrive at once from `--sources` loopback addresses (127.0.1.x, so the per-source limit
lets `sources × VATS_LOGIN_ATTEMPTS_PER_SOURCE` of them reach argon2). Reported: p50 and p99 of the
page in each phase, their ratio, and how the logins were answered (401: hashed; 429: refused by the
limiter before hashing).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _sample(client: httpx.Client, n: int, stop: threading.Event | None = None) -> list[float]:
    out: list[float] = []
    while len(out) < n and not (stop is not None and stop.is_set() and len(out) >= 5):
        start = time.perf_counter()
        assert client.get("/account").status_code == 200
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()

    from vats.api.testing import CSRF, running_server

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(f"sqlite:///{Path(tmp) / 'vats.db'}", Path(tmp)) as srv,
    ):
        reader, _csrf = srv.login("viewer")
        idle = _sample(reader, args.samples)

        clients = [
            httpx.Client(base_url=srv.url, transport=httpx.HTTPTransport(local_address=f"127.0.1.{i + 1}"))
            for i in range(args.sources)
        ]
        tokens = []
        for c in clients:
            match = CSRF.search(c.get("/login").text)
            assert match is not None
            tokens.append(match.group(1))
        done = threading.Event()

        def attempt(i: int) -> int:
            c, token = clients[i % args.sources], tokens[i % args.sources]
            data = {"name": f"nobody-{i}", "password": "guess", "csrf_token": token}
            return c.post("/login", data=data, timeout=300).status_code

        with ThreadPoolExecutor(max_workers=64) as pool:
            started = time.perf_counter()
            futures = [pool.submit(attempt, i) for i in range(args.attempts)]
            time.sleep(0.2)  # let the flood reach the server before sampling
            flooded = _sample(reader, args.samples, done)
            codes = [f.result() for f in futures]
            flood_s = time.perf_counter() - started
        for c in clients:
            c.close()

    print(f"idle    GET /account  p50 {statistics.median(idle):7.1f} ms  p99 {_p(idle, 0.99):7.1f} ms")
    print(
        f"flooded GET /account  p50 {statistics.median(flooded):7.1f} ms  p99 {_p(flooded, 0.99):7.1f} ms"
        f"  ({statistics.median(flooded) / statistics.median(idle):.2f}x p50,"
        f" {_p(flooded, 0.99) / _p(idle, 0.99):.2f}x p99)"
    )
    hashed, refused = codes.count(401), codes.count(429)
    print(
        f"flood: {args.attempts} logins from {args.sources} sources in {flood_s:.1f} s:"
        f" {hashed} hashed (401), {refused} refused (429), other {len(codes) - hashed - refused}"
    )


if __name__ == "__main__":
    main()
