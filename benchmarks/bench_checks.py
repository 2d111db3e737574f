"""Homepage-check throughput and memory against a bare httpx loop (the floor), same run.

    .venv/bin/python -m benchmarks.bench_checks [--sites 2000] [--concurrency 50]
        [--server-delay 0.05] [--judge-workers 1]

One loopback asyncio server (its own process) serves N virtual hosts. Each measurement runs in a
fresh child process so its peak RSS is its own (plus its judging worker's):
  floor — httpx.AsyncClient, a semaphore of `concurrency`, GET each page and read the body;
  vats  — `run_checks`: HTTPS attempt (refused: every host's port 443 maps to a closed port, and
          each site pays its own refused connect), address vetting, body cap, HTML extraction
          (Lexbor), number detection and judging, with `concurrency` crawl workers and
          `--judge-workers` judging processes.
Targets: vats ≥ 70 % of the floor's sites/s, peak RSS < 300 MB.

With `--server-delay 0` both sides are CPU-bound on loopback, so the ratio is the floor's CPU per
site over ours; a server delay (a real site's time to first byte) shows the latency-bound case a
crawler lives in. "CPU/site" adds the judging worker's CPU to the event-loop process's.
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
from typing import Any

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


async def _handle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pages: dict[str, bytes], delay: float
) -> None:
    """Minimal keep-alive HTTP/1.1 responder: the page of the Host header, nothing else."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            name = b""
            for line in head.split(b"\r\n"):
                if line[:5].lower() == b"host:":
                    name = line[5:].strip().split(b":")[0].lower()
            body = pages.get(name.decode(), b"")
            status = b"200 OK" if body else b"404 Not Found"
            writer.write(b"HTTP/1.1 %s\r\nContent-Type: text/html; charset=utf-8\r\n" % status)
            writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            if delay:
                await asyncio.sleep(delay)  # time to first byte of a real site
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


def _serve(n: int, conn: Any, delay: float = 0.0) -> None:
    """The fleet: an asyncio server (cheap per request, so the clients are what is measured)."""
    import socket

    pages = {host(i): page(i) for i in range(n)}
    with socket.socket() as probe:  # a port with nothing listening: HTTPS attempts are refused
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]

    async def main() -> None:
        server = await asyncio.start_server(
            lambda r, w: _handle(r, w, pages, delay), "127.0.0.1", 0, backlog=512
        )
        conn.send((server.sockets[0].getsockname()[1], closed))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
        server.close()

    asyncio.run(main())


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


def _vats(port: int, closed: int, n: int, concurrency: int, judge_workers: int = 1) -> int:
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
    reports = run_checks(
        targets,
        settings=settings,
        policy=NetPolicy(allow_private=True, resolve=tuple(rules)),
        judge_workers=judge_workers,
    )
    return sum(1 for r in reports if r.passed)


def child(mode: str, port: int, closed: int, n: int, concurrency: int, judge_workers: int) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    ok = (
        asyncio.run(_floor(port, n, concurrency))
        if mode == "floor"
        else _vats(port, closed, n, concurrency, judge_workers)
    )
    elapsed = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the judging worker, once it has exited
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + children.ru_maxrss) / 1024  # both peaks
    main_ms = (time.process_time() - cpu) * 1000 / n
    judge_ms = (children.ru_utime + children.ru_stime) * 1000 / n
    result = {
        "mode": mode,
        "ok": ok,
        "sites_per_s": n / elapsed,
        "cpu_ms_per_site": main_ms + judge_ms,
        "main_cpu_ms_per_site": main_ms,
        "peak_mb": peak_mb,
    }
    print(json.dumps(result))


def measure(
    mode: str, port: int, closed: int, n: int, concurrency: int, judge_workers: int
) -> dict[str, float]:
    args = [sys.executable, "-m", "benchmarks.bench_checks", "--child", mode, "--port", str(port)]
    args += ["--closed", str(closed), "--sites", str(n), "--concurrency", str(concurrency)]
    args += ["--judge-workers", str(judge_workers)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--server-delay", type=float, default=0.0, help="seconds before each response")
    parser.add_argument("--judge-workers", type=int, default=1, help="page-judging processes (0: inline)")
    parser.add_argument("--rounds", type=int, default=2, help="alternate floor/vats N times; best kept")
    parser.add_argument("--child", choices=["floor", "vats"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--closed", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.port, args.closed, args.sites, args.concurrency, args.judge_workers)
        return
    parent, child_conn = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve, args=(args.sites, child_conn, args.server_delay), daemon=True
    )
    server.start()
    port, closed = parent.recv()
    try:
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for mode in ("floor", "vats"):
                result = measure(mode, port, closed, args.sites, args.concurrency, args.judge_workers)
                if mode not in best or result["sites_per_s"] > best[mode]["sites_per_s"]:
                    best[mode] = result
    finally:
        parent.send("stop")
        server.join(timeout=10)
    floor, ours = best["floor"], best["vats"]
    ratio = ours["sites_per_s"] / floor["sites_per_s"]
    print(
        f"sites: {args.sites}, concurrency: {args.concurrency}, server delay: {args.server_delay:g} s, "
        f"judge workers: {args.judge_workers}, rounds: {args.rounds} (best of each)"
    )
    for label, r in (("floor (bare httpx)", floor), ("vats checks", ours)):
        main = f"{r['main_cpu_ms_per_site']:.1f} in the event-loop process"
        cpu = f"{r['cpu_ms_per_site']:.1f} ms CPU/site ({main})"
        print(f"{label:<19} {r['sites_per_s']:.0f} sites/s, {cpu}, peak RSS {r['peak_mb']:.0f} MB")
    print(f"vats: {int(ours['ok'])}/{args.sites} sites passed every check")
    verdict = "OK" if ratio >= 0.7 else "BELOW TARGET"
    print(f"throughput ratio vats/floor: {ratio:.2f} (target ≥ 0.70) {verdict}")
    memory = "OK" if ours["peak_mb"] < 300 else "OVER"
    print(f"peak memory: {ours['peak_mb']:.0f} MB (target < 300 MB) {memory}")


if __name__ == "__main__":
    main()
