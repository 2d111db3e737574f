"""Security properties of the web UI against a real server: inert XSS payloads, CSRF, roles,
organisation isolation, login rate limiting and cookie flags."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from vats.api.testing import Server

NUMBER = "渝B2-20210467"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)//<svg onload=alert(4)>",
    "{{7*7}}{% raw %}",
]


@pytest.fixture(scope="module")
def imported(web_server: Server, seed_path: Path) -> Server:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        r = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    assert r.status_code in (201, 200), r.text
    return web_server


def _case_body(text: str) -> dict[str, str]:
    from vats.registers.vocab import vocabulary

    return {
        "licence": NUMBER,
        "site": text,
        "content_ref": text,
        "category": vocabulary().terms("categories").codes()[0],
        "discovered_at": "2026-10-09",
        "note": text,
    }


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_render_inert(imported: Server, payload: str) -> None:
    with imported.client("officer") as api:
        case = api.post("/api/v1/cases", json=_case_body(payload))
        assert case.status_code == 201, case.text
        token = api.post("/api/v1/me/tokens", json={"name": payload})
        assert token.status_code == 201
    client, _csrf = imported.login("officer")
    pages = [f"/registers/cases/{case.json()['id']}", "/registers/cases", "/account"]
    for path in pages:
        html = client.get(path).text
        assert payload not in html or "<" not in payload, f"raw payload on {path}"
        assert _active_content(html) == [], path
    record = client.get(pages[0]).text
    assert "{{7*7}}" in record or payload != PAYLOADS[3]  # shown literally, never evaluated


class _Scanner(HTMLParser):
    """Collects what a browser would execute: inline scripts, event-handler attributes, js: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")
        if tag in ("svg", "iframe", "object", "embed"):
            self.found.append(tag)

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def _active_content(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.found


def test_scanner_detects_active_content() -> None:
    assert _active_content(
        '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:x">'
    ) == [
        "img[onerror]",
        "inline script",
        "a[href=javascript:]",
    ]


def test_post_without_csrf_is_refused(imported: Server) -> None:
    client, csrf = imported.login("officer")
    missing = client.post("/account/token", data={"name": "x"})
    wrong = client.post("/account/token", data={"name": "x", "csrf_token": "forged"})
    api = client.post("/api/v1/me/tokens", json={"name": "x"})  # cookie-authenticated API write
    ok = client.post("/account/token", data={"name": "x", "csrf_token": csrf})
    assert missing.status_code == 403 and wrong.status_code == 403 and api.status_code == 403
    assert ok.status_code == 200
    assert (
        client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf}).status_code
        == 201
    )


def test_viewer_writes_are_refused(imported: Server) -> None:
    client, csrf = imported.login("viewer")
    form = {**_case_body("viewer was here"), "csrf_token": csrf}
    assert client.post("/registers/cases", data=form).status_code == 403
    assert client.get("/licences/upload").status_code == 403
    with imported.client("viewer") as api:
        assert api.post("/api/v1/cases", json=_case_body("x")).status_code == 403
    with imported.client("auditor") as api:  # auditors read everything but write nothing
        assert api.get("/api/v1/auditlog").status_code == 200
        assert api.post("/api/v1/cases", json=_case_body("x")).status_code == 403


def test_another_organisations_licence_is_404(imported: Server) -> None:
    from vats.api import accounts
    from vats.store.db import make_engine, session_scope
    from vats.store.organisations import add_organisation

    engine = make_engine(imported.db_url)
    with session_scope(engine, actor="test") as s:
        other = add_organisation(s, name="隔壁公司")
        accounts.create_user(s, name="neighbour", role="officer", password="neighbour password")
        accounts.grant(s, name="neighbour", organisation_id=other.id)
    engine.dispose()
    client, _csrf = imported.login("neighbour", "neighbour password")
    page = client.get(f"/licences/{NUMBER}", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "重庆万象优车科技有限公司" not in page.text
    assert NUMBER not in client.get("/").text
    assert client.get("/registers/cases").text.count(NUMBER) == 0


def test_login_is_rate_limited_and_cookies_are_locked_down(imported: Server) -> None:
    import httpx

    from vats.api.testing import CSRF

    with httpx.Client(base_url=imported.url) as c:
        token = CSRF.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        codes = [
            c.post("/login", data={"name": "admin", "password": f"wrong{i}", "csrf_token": token}).status_code
            for i in range(7)
        ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    with httpx.Client(base_url=imported.url) as c:
        token = CSRF.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        r = c.post(
            "/login", data={"name": "viewer", "password": "correct horse battery", "csrf_token": token}
        )
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_login_redirect_stays_on_site(imported: Server) -> None:
    import httpx

    from vats.api.testing import CSRF

    with httpx.Client(base_url=imported.url) as c:
        token = CSRF.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        r = c.post(
            "/login",
            data={
                "name": "viewer",
                "password": "correct horse battery",
                "csrf_token": token,
                "next": "//evil.example",
            },
        )
    assert r.status_code == 303 and r.headers["location"] == "/"
