"""Fixtures for register tests: a migrated database (SQLite and PostgreSQL) holding the reference
licence 渝B2-20210467, and a session factory that commits like the CLI and API do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factories import NUMBER, register_licence

Scope = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def db_url(migrated_url: str) -> str:
    """Register tests (services and CLI alike) start from a database at the current schema."""
    return migrated_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from vats.store.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def scope(engine: Engine) -> Scope:
    """`with scope() as s:` — one committed unit of work, audited as actor "tester"."""
    from vats.store.db import session_scope

    return lambda: session_scope(engine, actor="tester")


@pytest.fixture
def licence(scope: Scope) -> str:
    """The reference licence, stored; returns its number."""
    from vats.store.licences import import_licence

    with scope() as s:
        import_licence(s, licence=register_licence())
    return NUMBER
