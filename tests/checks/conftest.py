"""Fixtures for the homepage checks: a real virtual-host HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vats.checks.fixture_server import FixtureServer, Route


@pytest.fixture
def serve() -> Iterator[object]:
    """Call `serve({"host": Route(...)})` to start a server for this test; stopped afterwards."""
    servers: list[FixtureServer] = []

    def start(routes: dict[str, Route]) -> FixtureServer:
        server = FixtureServer(routes).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)
