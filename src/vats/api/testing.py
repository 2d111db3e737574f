"""Run the real server for tests, benchmarks and demos: a migrated database with one user per
role, uvicorn in a subprocess on a free loopback port, and a login helper that goes through the
actual form (cookie session + CSRF token). No mocked transports anywhere."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROLES = ("admin", "officer", "viewer", "auditor")
PASSWORD = "correct horse battery"
ORGANISATION = "重庆万象优车科技有限公司"  # the reference licence's holder
KEEP_ALIVE_S = 75  # longer than clients' idle pools: avoids the server closing a reused connection
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Server:
    url: str
    db_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def client(self, role: str | None = None) -> httpx.Client:
        """An API client authenticated with the role's bearer token (anonymous when None)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60.0)

    def login(self, name: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
        """A browser-like client holding `name`'s session cookie, and that session's CSRF token."""
        client = httpx.Client(base_url=self.url, timeout=60.0)
        page = client.get("/login")
        token = CSRF.search(page.text)
        if token is None:
            raise RuntimeError(f"no CSRF token on the login page: {page.status_code}")
        response = client.post(
            "/login",
            data={"name": name, "password": password, "csrf_token": token.group(1), "next": "/account"},
            follow_redirects=True,
        )
        csrf = CSRF.search(response.text)
        if response.status_code != 200 or csrf is None:
            raise RuntimeError(f"login of {name} failed: {response.status_code}")
        return client, csrf.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(
    db_url: str, *, roles: tuple[str, ...] = ROLES, organisation: str = ORGANISATION
) -> dict[str, str]:
    """Migrate; create one organisation and one user per role (named after the role) with an API
    token each. Non-admin users are granted that organisation (admins see every organisation)."""
    from vats.store import accounts
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.organisations import add_organisation

    engine = make_engine(db_url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(engine, actor="setup") as session:
        org = add_organisation(session, name=organisation)
        for role in roles:
            accounts.create_user(session, name=role, role=role, password=PASSWORD)
            if role != "admin":
                accounts.grant(session, name=role, organisation_id=org.id)
            tokens[role] = accounts.create_token(session, user=role, name="test").secret
    engine.dispose()
    return tokens


def start_server(
    db_url: str,
    workdir: Path,
    *,
    env: dict[str, str] | None = None,
    workers: int = 1,
    timeout_s: float = 60.0,
    via_serve: bool = False,
) -> Server:
    """Start uvicorn on a free port and wait until /healthz answers (raises with the log if not).

    `via_serve` runs the operator's command, `vats serve` (its uvicorn options, JSON access log at
    info level) instead of uvicorn's command line."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    full_env = {**os.environ, "VATS_DATABASE_URL": db_url, "VATS_SCHEDULER": "0", **(env or {})}
    cmd = [
        sys.executable, "-m", "uvicorn", "vats.api.app:app_from_env", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", str(KEEP_ALIVE_S),
        *_proxy_arguments(full_env),
    ]  # fmt: skip
    if via_serve:
        cmd = [
            sys.executable, "-m", "vats.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--db", db_url, "--workers", str(workers), "--no-scheduler",
        ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", db_url=db_url, process=process, log=log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"server did not start:\n{log.read_text(errors='replace')}")


def _proxy_arguments(env: dict[str, str]) -> list[str]:
    """The command-line twin of `vats serve`'s proxy options (see `settings.proxy_options`)."""
    from vats.api.settings import trusted_proxies

    trusted = trusted_proxies(env.get("VATS_TRUSTED_PROXIES"))
    return (
        ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted)] if trusted else ["--no-proxy-headers"]
    )


def stop_server(server: Server) -> None:
    if server.process is None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def running_server(
    db_url: str, workdir: Path, *, env: dict[str, str] | None = None, via_serve: bool = False
) -> Iterator[Server]:
    """Prepare the database (users, organisation), run the server, stop it afterwards."""
    tokens = prepare_database(db_url)
    server = start_server(db_url, workdir, env=env, via_serve=via_serve)
    server.tokens = tokens
    try:
        yield server
    finally:
        stop_server(server)
