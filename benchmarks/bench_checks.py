"""Homepage-check throughput and memory against a bare httpx loop (the floor), same run.

    .venv/bin/python -m benchmarks.bench_checks [--sites 2000] [--concurrency 50]

One loopback fixture server (its own process) serves N virtual hosts. Each measurement runs in a
fresh child process so its peak RSS is its own:
  floor — httpx.AsyncClient, a semaphore of `concurrency`, GET each page and read the body;
  vats  — `run_checks`: HTTPS attempt (refused, falls back), address vetting, body cap, HTML
          extraction, number detection and judging, with `concurrency` workers.
Targets: vats ≥ 70 % of the floor's sites/s, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import time

LICENCE = "渝B2-20210467"


def page(i: int) -> bytes:
    filler = "".join(f"<li><a href='/car/{i}-{k}'>车型 {k} 报价 参数 图片</a></li>" for k in range(200))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>站点</title>"
        "<script>var x = 1;</script></head><body><header>导航</header>"
        f"<main><ul>{filler}</ul></main>"
        f"<footer class='site-footer'>© 2026 示例{i} 经营许可证编号：{LICENCE} "
        "<a href='https://beian.miit.gov.cn/'>渝ICP备2021000001号-1</a></footer></body></html>"
    ).encode()


def host(i: int) -> str:
    return f"site{i:05d}.bench.test"


def _serve(n: int, conn: multiprocessing.connection.Connection) -> None:  # type: ignore[name-defined]
    from vats.checks.fixture_server import FixtureServer, Route

    with FixtureServer({host(i): Route(page(i)) for i in range(n)}) as server:
        conn.send((server.port, server.closed_port))
        conn.recv()  # block until told to stop


async def _floor(port: int, n: int, concurrency: int) -> int:
    import httpx

    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=30) as client:

        async def one(i: int) -> int:
            async with sem:
                response = await client.get(f"http://127.0.0.1:{port}/", headers={"Host": host(i)})
                return len(response.content)

        sizes = await asyncio.gather(*(one(i) for i in range(n)))
    return sum(1 for s in sizes if s)


def _vats(port: int, closed: int, n: int, concurrency: int) -> int:
    from vats.checks.fetch import FetchSettings
    from vats.checks.homepage import run_checks
    from vats.checks.net import NetPolicy, parse_resolve
    from vats.checks.results import SiteTarget

    rules = []
    targets = []
    for i in range(n):
        rules.append(parse_resolve(f"{host(i)}:80:127.0.0.1:{port}"))
        rules.append(parse_resolve(f"{host(i)}:443:127.0.0.1:{closed}"))
        targets.append(SiteTarget(host(i), LICENCE, frozenset({host(i)})))
    settings = FetchSettings(concurrency=concurrency, timeout=30, retries=0)
    reports = run_checks(targets, settings=settings, policy=NetPolicy(resolve=tuple(rules)))
    return sum(1 for r in reports if r.passed)


def child(mode: str, port: int, closed: int, n: int, concurrency: int) -> None:
    started = time.perf_counter()
    ok = asyncio.run(_floor(port, n, concurrency)) if mode == "floor" else _vats(port, closed, n, concurrency)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"mode": mode, "ok": ok, "seconds": elapsed, "sites_per_s": n / elapsed, "peak_mb": peak_mb}
    print(json.dumps(result))


def measure(mode: str, port: int, closed: int, n: int, concurrency: int) -> dict[str, float]:
    args = [sys.executable, "-m", "benchmarks.bench_checks", "--child", mode, "--port", str(port)]
    args += ["--closed", str(closed), "--sites", str(n), "--concurrency", str(concurrency)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="alternate floor/vats N times; best kept")
    parser.add_argument("--child", choices=["floor", "vats"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--closed", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.port, args.closed, args.sites, args.concurrency)
        return
    parent, child_conn = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(args.sites, child_conn), daemon=True)
    server.start()
    port, closed = parent.recv()
    try:
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for mode in ("floor", "vats"):
                result = measure(mode, port, closed, args.sites, args.concurrency)
                if mode not in best or result["sites_per_s"] > best[mode]["sites_per_s"]:
                    best[mode] = result
    finally:
        parent.send("stop")
        server.join(timeout=10)
    floor, ours = best["floor"], best["vats"]
    ratio = ours["sites_per_s"] / floor["sites_per_s"]
    print(f"sites: {args.sites}, concurrency: {args.concurrency}, rounds: {args.rounds} (best of each)")
    print(f"floor (bare httpx): {floor['sites_per_s']:.0f} sites/s, peak RSS {floor['peak_mb']:.0f} MB")
    passed = f"{int(ours['ok'])}/{args.sites} passed"
    print(f"vats checks:        {ours['sites_per_s']:.0f} sites/s, peak RSS {ours['peak_mb']:.0f} MB", passed)
    verdict = "OK" if ratio >= 0.7 else "BELOW TARGET"
    print(f"throughput ratio vats/floor: {ratio:.2f} (target ≥ 0.70) {verdict}")
    memory = "OK" if ours["peak_mb"] < 300 else "OVER"
    print(f"peak memory: {ours['peak_mb']:.0f} MB (target < 300 MB) {memory}")


if __name__ == "__main__":
    main()
