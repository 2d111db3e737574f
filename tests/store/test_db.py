"""Database selection, SQLite connection settings and session behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from vats.model.errors import UnavailableError
from vats.store.db import database_url, make_engine, session_scope, upgrade


def test_url_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("VATS_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'vats' / 'vats.db'}"
    monkeypatch.setenv("VATS_DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_is_wal_with_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_foreign_keys_are_enforced(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    from vats.store.models import LicenceRevision

    with pytest.raises(IntegrityError), session_scope(engine, actor="t") as s:
        s.add(LicenceRevision(licence_id=999, revision=1, content=b"x", sm3="0" * 64, data={}))


def test_unreachable_server_is_unavailable() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    with pytest.raises(UnavailableError, match="unavailable"):
        upgrade(engine)
