"""Fixtures shared by the whole suite: the reference licence and real databases.

Storage tests take the `db_url` fixture, which runs each test once on SQLite and once on a real
PostgreSQL server (a fresh database per test). Tests that only need a database at the current schema
take `migrated_url` instead: a clone of a template migrated once per session (SQLite: a file copy;
PostgreSQL: CREATE DATABASE … TEMPLATE), so migrations are not replayed for every test. When
PostgreSQL is unreachable the PostgreSQL variants fail — they never skip — because `.ci/run` is
responsible for starting the server.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_PATH = REPO_ROOT.parent / "shared" / "seeds" / "000_7a435923dd1aee64.txt"
PG_ADMIN_URL = os.environ.get("VATS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """Path of the reference licence (渝B2-20210467). Fails loudly in CI when it is missing."""
    override = os.environ.get("VATS_SEED")
    path = Path(override) if override else SEED_PATH
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference licence missing at {path} (CI must provide ../shared)")
        pytest.skip(f"reference licence not present at {path} (outside CI only)")
    return path


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


def _create_pg_database() -> tuple[str, str]:
    import psycopg

    name = f"vats_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:  # never skip: CI must start PostgreSQL
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def _drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture
def new_database_like(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Factory: another empty database of the same kind as a given URL (dropped afterwards)."""
    created: list[str] = []

    def make(url: str) -> str:
        if url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'extra-{len(created)}-{uuid.uuid4().hex[:6]}.db'}"
        name, new_url = _create_pg_database()
        created.append(name)
        return new_url

    try:
        yield make
    finally:
        for name in created:
            _drop_pg_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vats.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: the same test runs unchanged on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vats.db'}"
        return
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (cloned by `migrated_url`)."""
    from vats.store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "vats.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session; no connection stays open on it,
    as CREATE DATABASE … TEMPLATE requires."""
    from vats.store.db import make_engine, upgrade

    name, url = _create_pg_database()
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    try:
        yield name
    finally:
        _drop_pg_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the current schema, on SQLite and on PostgreSQL, cloned from the template."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "vats.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    import psycopg

    template_name: str = request.getfixturevalue("pg_template")
    name = f"vats_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        _drop_pg_database(name)
