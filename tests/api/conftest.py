"""A real server for API tests: migrated database (SQLite and PostgreSQL via `db_url`), one user
per role, uvicorn in a subprocess on a free loopback port (see `vats.api.testing`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import Server, running_server

AS_OF = "2026-11-02"  # after the reference licence expired (2026-10-20): pinned, never the wall clock


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    """A fresh server per test, on SQLite and on PostgreSQL."""
    with running_server(db_url, tmp_path, env={"VATS_AS_OF": AS_OF}) as srv:
        yield srv


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One SQLite-backed server for a whole module (matrix and fuzz tests)."""
    tmp = tmp_path_factory.mktemp("srv")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": AS_OF}) as srv:
        yield srv
