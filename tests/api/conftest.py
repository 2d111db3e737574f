"""A real server for API tests: migrated database (SQLite and PostgreSQL via `db_url`), one user
per role, uvicorn in a subprocess on a free loopback port (see `vats.api.testing`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import Server, prepare_database, start_server, stop_server

AS_OF = "2026-11-02"  # after the reference licence expired (2026-10-20): pinned, never the wall clock


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    """A fresh server per test, on SQLite and on PostgreSQL."""
    tokens = prepare_database(db_url)
    srv = start_server(db_url, tmp_path, env={"VATS_AS_OF": AS_OF})
    srv.tokens = tokens
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One SQLite-backed server for a whole module (matrix and fuzz tests)."""
    tmp = tmp_path_factory.mktemp("srv")
    db_url = f"sqlite:///{tmp / 'vats.db'}"
    tokens = prepare_database(db_url)
    srv = start_server(db_url, tmp, env={"VATS_AS_OF": AS_OF})
    srv.tokens = tokens
    try:
        yield srv
    finally:
        stop_server(srv)
