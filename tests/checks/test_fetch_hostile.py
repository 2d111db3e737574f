"""Hostile homepages against the real fetcher: compression bombs, endless and dripping bodies.

The fetch runs in a child process whose peak RSS (VmHWM) is reported back, so memory is
measured, not assumed. The bomb files in tests/fixtures/bombs are 1 GiB of zeros compressed with
brotli (quality 5) and gzip inside gzip (level 9): 1,617 and 1,827 bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

from vats.checks.fixture_server import Route

BOMBS = Path(__file__).resolve().parents[1] / "fixtures" / "bombs"
RSS_BOUND_MIB = 200  # the interpreter with httpx is well under 100 MiB; an inflated bomb is over 1 GiB

CHILD = """
import asyncio, json, sys
from vats.checks.fetch import Fetcher, FetchSettings
from vats.checks.net import NetPolicy, parse_resolve

def peak_mib():
    # VmHWM belongs to this address space, which exec created: unlike ru_maxrss it does not carry
    # the peak of the (large) test worker that forked this child.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")

resolve = tuple(parse_resolve(r) for r in json.loads(sys.argv[1]))
settings = FetchSettings(timeout=2.0, attempt_deadline=float(sys.argv[2]), retries=0)

async def run():
    async with Fetcher(settings, NetPolicy(allow_private=True, resolve=resolve)) as fetcher:
        return await fetcher.homepage("a.test")

got = asyncio.run(run())
print(json.dumps({
    "error": got.error, "detail": got.error_detail, "truncated": got.truncated,
    "body": len(got.body), "zeros": got.body.count(0),
    "rss_mib": peak_mib(),
}))
"""


def _fetch_in_child(server: Any, deadline: float = 30.0) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(server.resolve_args()), str(deadline)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_brotli_bomb_stops_at_the_cap(serve: Any) -> None:
    server = serve({"a.test": Route((BOMBS / "zeros-1gib.br").read_bytes(), encoding="br")})
    got = _fetch_in_child(server)
    assert got["truncated"] and got["body"] == 5 * 1024 * 1024 == got["zeros"]
    assert got["rss_mib"] < RSS_BOUND_MIB


def test_gzip_inside_gzip_stops_at_the_cap(serve: Any) -> None:
    server = serve({"a.test": Route((BOMBS / "zeros-1gib.gz.gz").read_bytes(), encoding="gzip, gzip")})
    got = _fetch_in_child(server)
    assert got["truncated"] and got["body"] == 5 * 1024 * 1024
    assert got["rss_mib"] < RSS_BOUND_MIB


def test_deflate_bomb_stops_at_the_cap(serve: Any) -> None:
    packer = zlib.compressobj(9)
    zeros = b"\0" * (1 << 20)
    body = b"".join(packer.compress(zeros) for _ in range(64)) + packer.flush()
    server = serve({"a.test": Route(body, encoding="deflate")})
    got = _fetch_in_child(server)
    assert got["truncated"] and got["body"] == 5 * 1024 * 1024
    assert got["rss_mib"] < RSS_BOUND_MIB


def test_three_layers_are_a_bad_encoding(serve: Any) -> None:
    server = serve({"a.test": Route(b"x", encoding="gzip, gzip, gzip")})
    got = _fetch_in_child(server)
    assert got["error"] == "bad_encoding" and "layers" in got["detail"]


def test_endless_chunked_body_is_cut_at_the_cap(serve: Any) -> None:
    server = serve({"a.test": Route(b"<p>" + b"y" * 8000 + b"</p>", endless=True)})
    got = _fetch_in_child(server)
    assert got["truncated"] and got["body"] == 5 * 1024 * 1024
    assert got["rss_mib"] < RSS_BOUND_MIB


def test_endless_chunked_body_decoding_to_nothing_is_cut_by_raw_bytes(serve: Any) -> None:
    empty_block = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_SYNC_FLUSH)
    server = serve({"a.test": Route(empty_block * 2000, encoding="deflate", endless=True)})
    got = _fetch_in_child(server)
    assert got["truncated"] and got["body"] == 0
    assert got["rss_mib"] < RSS_BOUND_MIB


def test_slow_drip_is_bounded_by_the_attempt_deadline(serve: Any) -> None:
    server = serve({"a.test": Route(b"<html>" * 100, drip=0.05)})
    got = _fetch_in_child(server, deadline=1.0)
    assert got["error"] == "timeout"
