"""Authentication hardening against the server as `vats serve` runs it: forwarded headers are not
believed unless configured, logins are limited per source and per account without slowing other
requests, the CSRF check on /lang runs, answers are not cached, a disabled user's credentials stop
working and a calendar feed's secret never reaches the access log."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from vats.api.testing import CSRF, PASSWORD, Server, running_server
from web.conftest import AS_OF


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("served")
    with running_server(
        f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}, via_serve=True
    ) as srv:
        yield srv


def _client(server: Server, source: str) -> httpx.Client:
    """A client connecting from its own loopback address (127.0.0.0/8), i.e. its own source."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=server.url, transport=transport, timeout=60.0)


def _login_token(client: httpx.Client) -> str:
    match = CSRF.search(client.get("/login").text)
    assert match is not None
    return match.group(1)


def _attempt(client: httpx.Client, token: str, name: str, password: str, **headers: str) -> int:
    data = {"name": name, "password": password, "csrf_token": token}
    return client.post("/login", data=data, headers=headers).status_code


def _session(server: Server, source: str, name: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
    client = _client(server, source)
    r = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": _login_token(client), "next": "/account"},
        follow_redirects=True,
    )
    match = CSRF.search(r.text)
    assert r.status_code == 200 and match is not None, r.status_code
    return client, match.group(1)


def test_rotating_forwarded_for_is_still_limited(served: Server) -> None:
    with _client(served, "127.0.0.2") as c:
        token = _login_token(c)
        codes = [
            _attempt(c, token, "officer", f"wrong{i}", **{"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(7)
        ]
    assert codes == [401] * 5 + [429, 429]


def test_unknown_name_flood_is_limited_and_does_not_hold_up_other_requests(served: Server) -> None:
    reader, _csrf = _session(served, "127.0.0.4", "viewer")
    flood = _client(served, "127.0.0.3")
    token = _login_token(flood)
    finished: list[str] = []
    lock = threading.Lock()
    first_answer = threading.Event()

    def attempt(i: int) -> int:
        code = _attempt(flood, token, f"nobody-{i}", "guess")
        with lock:
            finished.append(f"login:{code}")
        first_answer.set()
        return code

    with ThreadPoolExecutor(max_workers=60) as pool:
        futures = [pool.submit(attempt, i) for i in range(60)]
        assert first_answer.wait(60)
        page = reader.get("/account")
        with lock:
            finished.append("normal")
        codes = [f.result() for f in futures]
    assert page.status_code == 200
    assert codes.count(401) == 20 and codes.count(429) == 40  # VATS_LOGIN_ATTEMPTS_PER_SOURCE default
    last_hashed = max(i for i, what in enumerate(finished) if what == "login:401")
    assert finished.index("normal") < last_hashed, finished  # not queued behind the password hashing
    flood.close()
    reader.close()


def test_spraying_one_password_across_accounts_is_limited(served: Server) -> None:
    with _client(served, "127.0.0.6") as c:
        token = _login_token(c)
        names = ["admin", "officer", "viewer", "auditor"] * 6
        codes = [_attempt(c, token, name, "Summer2026!") for name in names]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}


def test_lang_checks_csrf_when_logged_in(served: Server) -> None:
    client, csrf = _session(served, "127.0.0.5", "auditor")
    missing = client.post("/lang", data={"lang": "en", "next": "/"})
    forged = client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": "forged"})
    ok = client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": csrf})
    assert (missing.status_code, forged.status_code, ok.status_code) == (403, 403, 303)
    anonymous = _client(served, "127.0.0.5").post("/lang", data={"lang": "en", "next": "/"})
    assert anonymous.status_code == 303  # a preference without a session: nothing to forge
    client.close()


def test_authenticated_answers_are_not_cached_but_static_assets_may_be(served: Server) -> None:
    client, _csrf = _session(served, "127.0.0.5", "viewer")
    for path in ("/", "/account", "/licences", "/api/v1/me"):
        assert client.get(path).headers.get("cache-control") == "no-store", path
    with served.client("viewer") as api:
        assert api.get("/api/v1/obligations").headers.get("cache-control") == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")
    client.close()


def test_disabled_user_loses_feed_sessions_and_tokens_and_feed_secret_is_not_logged(served: Server) -> None:
    from vats.store import accounts
    from vats.store.db import make_engine, session_scope

    engine = make_engine(served.db_url)
    with session_scope(engine, actor="setup") as s:
        accounts.create_user(s, name="leaver", role="viewer", password=PASSWORD)
        token = accounts.create_token(s, user="leaver").secret
    client, csrf = _session(served, "127.0.0.7", "leaver")
    page = client.post("/account/feed", data={"csrf_token": csrf})
    url = re.search(r'href="(http://[^"]+\.ics)"', page.text)
    assert url is not None
    feed_path = url.group(1).removeprefix(served.url)
    secret = feed_path.removeprefix("/calendar/").removesuffix(".ics")
    assert client.get(feed_path).status_code == 200

    with session_scope(engine, actor="admin") as s:
        accounts.disable(s, name="leaver")
    engine.dispose()
    assert client.get(feed_path).status_code == 404
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/account", headers={"Accept": "text/html"}).status_code == 303  # to the login form
    bearer = httpx.get(f"{served.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 401
    client.close()

    assert served.log is not None
    log = Path(served.log).read_text(encoding="utf-8", errors="replace")
    assert secret not in log
    assert "/calendar/[redacted].ics" in log


def test_configured_proxy_forwards_the_client_address(tmp_path: Path) -> None:
    env = {"VATS_AS_OF": AS_OF, "VATS_TRUSTED_PROXIES": "127.0.0.0/8"}
    with (
        running_server(f"sqlite:///{tmp_path / 'vats.db'}", tmp_path, env=env, via_serve=True) as srv,
        _client(srv, "127.0.0.2") as proxy,
    ):
        token = _login_token(proxy)
        a = [
            _attempt(proxy, token, "officer", "wrong", **{"X-Forwarded-For": "203.0.113.7"}) for _ in range(6)
        ]
        b = _attempt(proxy, token, "officer", "wrong", **{"X-Forwarded-For": "198.51.100.9"})
    assert a == [401] * 5 + [429] and b == 401  # each forwarded client has its own window


def test_trusted_proxies_setting_is_validated() -> None:
    from vats.api.settings import trusted_proxies
    from vats.model.errors import InputError

    assert trusted_proxies("10.0.0.0/8, 192.168.1.10 ::1") == ("10.0.0.0/8", "192.168.1.10/32", "::1/128")
    assert trusted_proxies(None) == ()
    with pytest.raises(InputError) as bad:
        trusted_proxies("10.0.0.0/8,proxy.local")
    assert bad.value.field == "VATS_TRUSTED_PROXIES"
