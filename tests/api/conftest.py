"""A real server for API and browser tests: a migrated database (SQLite and PostgreSQL via
`db_url`), one user per role, and uvicorn running `vats.api.app` in a subprocess on a free
loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROLES = ("admin", "officer", "viewer", "auditor")
PASSWORD = "correct horse battery"
AS_OF = "2026-11-02"  # after the reference licence expired (2026-10-20): pinned, never the wall clock


@dataclass
class Server:
    url: str
    db_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def client(self, role: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(db_url: str) -> dict[str, str]:
    """Migrate, create one user per role (plus an officer of another organisation) and their tokens."""
    from vats.api import accounts
    from vats.store.db import make_engine, session_scope, upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(engine, actor="test-setup") as session:
        for role in ROLES:
            accounts.create_user(session, name=role, role=role, password=PASSWORD)
            tokens[role] = accounts.create_token(session, user=role, name="test").secret
    engine.dispose()
    return tokens


def start_server(db_url: str, tmp_path: Path, *, extra_env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "VATS_DATABASE_URL": db_url,
        "VATS_SCHEDULER": "0",
        "VATS_AS_OF": AS_OF,
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "vats.api.app:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", db_url=db_url, process=process, log=log)
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text(errors='replace')}")


def stop_server(server: Server) -> None:
    if server.process is not None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    """A fresh server per test, on SQLite and on PostgreSQL."""
    tokens = prepare_database(db_url)
    srv = start_server(db_url, tmp_path)
    srv.tokens = tokens
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One SQLite-backed server for a whole module (matrix and fuzz tests that only read)."""
    tmp = tmp_path_factory.mktemp("srv")
    db_url = f"sqlite:///{tmp / 'vats.db'}"
    tokens = prepare_database(db_url)
    srv = start_server(db_url, tmp)
    srv.tokens = tokens
    try:
        yield srv
    finally:
        stop_server(srv)
