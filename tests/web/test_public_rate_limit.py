"""The public, unauthenticated routes are rate-limited per client address, and the budget holds
across server processes (two uvicorn processes on one database share it): the call past the budget
is a 429 — a Chinese page in a browser, problem+json on the API."""

from __future__ import annotations

from pathlib import Path

import httpx

from vats.api.testing import running_server, start_server, stop_server

BUDGET = 3
HTML = {"Accept": "text/html"}


def test_verify_budget_is_shared_by_processes_and_routes(db_url: str, tmp_path: Path) -> None:
    env = {"VATS_PUBLIC_REQUESTS": str(BUDGET), "VATS_PUBLIC_WINDOW": "3600"}
    with running_server(db_url, tmp_path, env=env) as first:
        second = start_server(db_url, tmp_path, env=env)
        try:
            # Two calls on one process, one on the other: the budget of three is used up.
            assert httpx.get(f"{first.url}/verify/copy", headers=HTML).status_code == 200
            bad = httpx.get(f"{second.url}/api/v1/copies/verify", params={"s": "https://example.com/"})
            assert bad.status_code == 400  # counted although refused as input
            assert httpx.get(f"{first.url}/verify/copy", params={"s": "x"}, headers=HTML).status_code == 400
            page = httpx.get(f"{second.url}/verify/copy", headers=HTML)
            assert page.status_code == 429
            assert "请求过多" in page.text and "请求过于频繁，请稍后再试" in page.text
            api = httpx.get(f"{first.url}/api/v1/copies/verify", params={"s": "x"})
            assert api.status_code == 429
            assert api.headers["content-type"].startswith("application/problem+json")
            # Other families keep their own budget; the login-protected pages have none of this.
            keys_url = f"{second.url}/.well-known/vats-keys.json"
            keys = [httpx.get(keys_url).status_code for _ in range(BUDGET + 1)]
            assert keys == [200] * BUDGET + [429]
            feeds = [httpx.get(f"{first.url}/calendar/nope.ics").status_code for _ in range(BUDGET + 1)]
            assert feeds == [404] * BUDGET + [429]
            with first.client("viewer") as viewer:
                assert all(viewer.get("/api/v1/me").status_code == 200 for _ in range(BUDGET + 2))
        finally:
            stop_server(second)
