"""The fetcher against real loopback servers: fallback, redirects, refusals, retries, caps."""

from __future__ import annotations

import asyncio
from typing import Any

from vats.checks.fetch import USER_AGENT, Fetcher, FetchSettings
from vats.checks.fixture_server import Route
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import Fetched

PAGE = "<html><body><p>你好</p></body></html>".encode()
FAST = FetchSettings(timeout=2.0, retries=2, backoff=0.01)


def _homepage(server: Any, domain: str, settings: FetchSettings = FAST, **policy: Any) -> Fetched:
    rules = tuple(parse_resolve(r) for r in server.resolve_args())
    fetcher = Fetcher(settings, NetPolicy(resolve=rules, **{"allow_private": True, **policy}))

    async def run() -> Fetched:
        async with fetcher:
            return await fetcher.homepage(domain)

    return asyncio.run(run())


def test_https_refused_falls_back_to_http(serve: Any) -> None:
    server = serve({"a.test": Route(PAGE)})
    got = _homepage(server, "a.test")
    assert got.ok and got.body == PAGE
    assert got.final_url == "http://a.test/"
    assert "https: connect_error" in (got.error_detail or "")
    assert got.hops[0].address == "127.0.0.1"
    assert server.user_agents == [USER_AGENT]


def test_redirect_to_metadata_address_is_refused_even_with_allow_private(serve: Any) -> None:
    server = serve({"a.test": Route(status=302, location="http://169.254.169.254/latest/meta-data/")})
    got = _homepage(server, "a.test", allow_private=True)
    assert got.error == "refused_address"
    assert "169.254.169.254" in (got.error_detail or "")
    assert [h.status for h in got.hops] == [302]
    assert got.final_url == "http://169.254.169.254/latest/meta-data/"


def test_redirect_chain_followed_hop_by_hop(serve: Any) -> None:
    server = serve(
        {
            "a.test": Route(status=301, location="http://b.test/start"),
            "b.test": Route(status=308, location="http://c.test/"),
            "c.test": Route(PAGE),
        }
    )
    got = _homepage(server, "a.test")
    assert got.ok and got.final_url == "http://c.test/"
    assert [h.status for h in got.hops] == [301, 308, 200]


def test_redirect_loop_is_bounded(serve: Any) -> None:
    server = serve({"a.test": Route(status=302, location="http://a.test/")})
    got = _homepage(server, "a.test", FetchSettings(max_redirects=3, timeout=2.0))
    assert got.error == "too_many_redirects"
    assert len(got.hops) == 4


def test_500s_recover_on_retry(serve: Any) -> None:
    server = serve({"a.test": Route(PAGE, fail_times=2)})
    got = _homepage(server, "a.test")
    assert got.ok and got.body == PAGE
    assert server.routes["a.test"].hits == 3


def test_persistent_500_reported_after_retries(serve: Any) -> None:
    server = serve({"a.test": Route(PAGE, fail_times=99)})
    got = _homepage(server, "a.test", FetchSettings(retries=1, backoff=0.01))
    assert got.status == 500 and not got.ok
    assert server.routes["a.test"].hits == 2


def test_slow_server_times_out(serve: Any) -> None:
    server = serve({"a.test": Route(PAGE, delay=1.5)})
    got = _homepage(server, "a.test", FetchSettings(timeout=0.3, retries=1, backoff=0.01))
    assert got.error == "timeout"
    assert server.routes["a.test"].hits == 2  # timeouts are retried


def test_huge_page_is_capped(serve: Any) -> None:
    server = serve({"a.test": Route(b"<html><body>", size=30 * 1024 * 1024)})
    got = _homepage(server, "a.test")
    assert got.truncated
    assert len(got.body) == FetchSettings().max_bytes


def test_loopback_refused_without_mapping_or_flag(serve: Any) -> None:
    server = serve({"a.test": Route(PAGE)})

    async def run(policy: NetPolicy) -> Fetched:
        async with Fetcher(FAST, policy) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{server.port}/")

    assert asyncio.run(run(NetPolicy())).error == "refused_address"
    assert asyncio.run(run(NetPolicy(allow_private=True))).status == 404  # reached: no Host route


def test_dns_name_resolving_to_loopback_is_refused() -> None:
    async def run() -> Fetched:
        async with Fetcher(FAST, NetPolicy()) as fetcher:
            return await fetcher.fetch("http://localhost:9/")

    got = asyncio.run(run())
    assert got.error == "refused_address"


def test_unusable_redirect_target_is_reported_not_raised(serve: Any) -> None:
    server = serve({"a.test": Route(status=302, location="http://[::1/")})
    got = _homepage(server, "a.test")
    assert got.error in {"bad_url", "transport_error"}  # httpx itself may reject the header first
    assert "location" in (got.error_detail or "").lower() and got.status is None


def test_invalid_domain_is_reported_not_raised() -> None:
    async def run() -> Fetched:
        async with Fetcher(FAST, NetPolicy()) as fetcher:
            return await fetcher.homepage("bad domain..test")

    assert asyncio.run(run()).error in {"bad_url", "connect_error"}
