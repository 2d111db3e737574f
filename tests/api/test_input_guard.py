"""Hostile input against a real server (SQLite and PostgreSQL): bodies, NUL, stored check results.

Every bad input is a 4xx naming the field or the limit; none is a 500.
"""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from vats.api.bodyguard import JSON_MAX_BYTES
from vats.api.testing import Server

NUMBER = "渝B2-20210467"
MIB = 1024 * 1024


def _import(server: Server, seed_path: Path) -> None:
    with server.client("officer") as c:
        got = c.post(
            "/api/v1/licences", files={"document": ("seed.txt", seed_path.read_bytes(), "text/plain")}
        )
    assert got.status_code == 201, got.text


def _raw_post(server: Server, path: str, announced: int, send: int, headers: str = "") -> bytes:
    """POST announcing `announced` bytes, send up to `send` of them, return what the server answered."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {announced}\r\n{headers}\r\n"
        )
        sock.sendall(head.encode())
        chunk = b" " * 65536
        sent = 0
        try:
            while sent < send:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed: what we want
        sock.settimeout(30)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                piece = sock.recv(65536)
                if not piece:
                    break
                answer += piece
        except OSError:
            pass
        return answer


def _rss_kib(server: Server) -> int:
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def test_unauthenticated_bodies_are_refused_before_reading(server: Server) -> None:
    before = _rss_kib(server)
    answers: list[bytes] = []

    def attack() -> None:
        answers.append(_raw_post(server, "/api/v1/cases", 100 * MIB, 100 * MIB))

    threads = [threading.Thread(target=attack) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    grown_mib = (_rss_kib(server) - before) / 1024
    assert all(a.startswith(b"HTTP/1.1 401") for a in answers), answers
    assert grown_mib < 50, f"server RSS grew {grown_mib:.0f} MiB"


def test_oversized_json_is_413_naming_the_limit(server: Server) -> None:
    token = server.tokens["officer"]
    answer = _raw_post(server, "/api/v1/cases", 100 * MIB, 0, f"Authorization: Bearer {token}\r\n")
    assert answer.startswith(b"HTTP/1.1 413")

    def chunks():  # no Content-Length: the streamed bytes are counted
        for _ in range(4):
            yield b" " * (JSON_MAX_BYTES // 2)

    with server.client("officer") as c:
        got = c.post("/api/v1/cases", content=chunks(), headers={"Content-Type": "application/json"})
    assert got.status_code == 413
    assert got.json()["limit"] == JSON_MAX_BYTES and str(JSON_MAX_BYTES) in got.json()["detail"]


def test_long_text_fields_are_422_naming_the_field(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    body = {
        "licence": NUMBER,
        "site": "s" * 256,
        "content_ref": "c",
        "category": "constitution",
        "discovered_at": "2026-10-01",
    }
    with server.client("officer") as c:
        got = c.post("/api/v1/cases", json=body)
        assert got.status_code == 422 and "site" in got.json()["detail"]
        got = c.post("/api/v1/cases", json={**body, "site": "s", "note": "n" * (30 * 1000)})
        assert got.status_code == 422 and "note" in got.json()["detail"]


def test_nul_is_refused_naming_the_field(server: Server) -> None:
    with server.client("officer") as c:
        got = c.get("/api/v1/cases", params={"licence": "渝B2\x00"})
        assert got.status_code == 422 and got.json()["field"] == "licence"
        got = c.post("/api/v1/cases", json={"licence": "x", "site": "a\x00b"})
        assert got.status_code == 422 and got.json()["field"] == "site"
        got = c.get("/api/v1/licences/%00")
        assert got.status_code == 422 and got.json()["field"] == "path"


def test_check_results_are_readable(server: Server, seed_path: Path) -> None:
    from vats.store.checks import CheckResultRow, CheckRun
    from vats.store.db import make_engine, session_scope

    _import(server, seed_path)
    engine = make_engine(server.db_url)
    now = datetime.now(UTC)
    with session_scope(engine, actor="setup") as s:
        run = CheckRun(
            started_at=now, finished_at=now, actor="setup", scope=NUMBER, options={},
            sites=1, sites_passed=1, sites_failed=0,
        )  # fmt: skip
        s.add(run)
        s.flush()
        row = CheckResultRow(
            run_id=run.id, licence=NUMBER, domain="dongchedi.com", check_kind="reachable",
            outcome="pass", code="ok", message_zh="首页可访问", message_en="homepage reachable",
            requested_url="https://dongchedi.com/", elapsed_ms=1.0, body_bytes=0, truncated=False,
            checked_at=now, evidence={},
        )  # fmt: skip
        s.add(row)
        s.flush()
        result_id = row.id
    engine.dispose()
    for role in ("officer", "viewer", "auditor", "admin"):
        with server.client(role) as c:
            listed = c.get("/api/v1/checks/results")
            one = c.get(f"/api/v1/checks/results/{result_id}")
        assert listed.status_code == 200, listed.text
        assert [r["check"] for r in listed.json()["items"]] == ["reachable"]
        assert one.status_code == 200 and one.json()["check"] == "reachable"
        assert one.json()["checked_at"].endswith(("Z", "+00:00"))
    web, _ = server.login("viewer")
    page = web.get(f"/checks/results/{result_id}")
    web.close()
    from vats.model.clock import in_beijing

    assert page.status_code == 200 and in_beijing(now).strftime("%Y-%m-%d %H:%M") in page.text


def test_register_timestamps_carry_an_offset(server: Server, seed_path: Path) -> None:
    _import(server, seed_path)
    body = {
        "licence": NUMBER,
        "site": "dongchedi.com",
        "content_ref": "c",
        "category": "constitution",
        "discovered_at": "2026-10-01",
    }
    with server.client("officer") as c:
        made = c.post("/api/v1/cases", json=body)
    assert made.status_code == 201, made.text
    for name in ("created_at", "updated_at"):
        assert made.json()[name].endswith(("Z", "+00:00")), made.json()[name]


def test_http_edges(server: Server) -> None:
    with httpx.Client(base_url=server.url) as c:
        got = c.post("/api/v1/cases", json={})
        assert got.status_code == 401 and got.headers["content-type"] == "application/problem+json"
        wrong = c.put("/api/v1/cases")
        assert wrong.status_code == 405
        assert {m.strip() for m in wrong.headers["allow"].split(",")} >= {"GET", "POST"}
        assert c.get("/api/v1/docs").status_code == 404  # the CDN-loading page is gone
        assert c.get("/api/v1/openapi.json").status_code == 200


def test_pdf_bomb_preview_is_a_400_and_the_server_stays_small(server: Server) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
    from pdf_factory import bomb_pdf

    before = _rss_kib(server)
    with server.client("officer") as c:
        got = c.post(
            "/api/v1/licences/preview", files={"document": ("bomb.pdf", bomb_pdf(1024), "application/pdf")}
        )
    assert got.status_code == 400 and "过大" in got.json()["detail"], got.text
    assert (_rss_kib(server) - before) / 1024 < 100


def test_cookie_session_api_writes_still_need_the_csrf_header(server: Server) -> None:
    client, csrf = server.login("officer")
    try:
        refused = client.post("/api/v1/me/tokens", json={"name": "x"})
        assert refused.status_code == 403, refused.text
        allowed = client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
        assert allowed.status_code == 201, allowed.text
    finally:
        client.close()
