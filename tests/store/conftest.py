"""Store fixtures: a migrated engine on each database, and licences built without parsing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from vats.store.db import make_engine, upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()
