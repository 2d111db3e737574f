"""Store fixtures: a migrated engine on each database, and licences built without parsing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """An engine on a database already at the current schema (cloned from the session template)."""
    from vats.store.db import make_engine

    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()
