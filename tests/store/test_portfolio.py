"""Export -> import into a fresh database -> export gives the same content (SQLite and PostgreSQL,
JSON and zip); imports refuse non-empty databases; a killed import leaves the database untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from store.helpers import make_licence
from vats.model.errors import InputError, RefusedError
from vats.model.obligations import Event
from vats.store.all_models import load_all
from vats.store.auditlog import verify
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.events import record_event
from vats.store.licences import import_licence
from vats.store.portfolio import content_for_comparison, export_portfolio, import_portfolio


def populate(engine: Engine, seed_path: Path, licences: int = 3) -> None:
    from vats.registers.cases.service import add_case, dispose_case

    with session_scope(engine, actor="officer") as s:
        import_licence(s, path=seed_path)
        for i in range(licences):
            import_licence(s, licence=make_licence(100 + i))
        record_event(s, event=Event(type="annual_report_filed", date=date(2026, 3, 2), fields={"year": 2025}))
        case = add_case(
            s,
            licence="渝B2-20210467",
            site="www.example.cn",
            content_ref="帖子 123",
            category="rumours",
            discovered_at=date(2026, 9, 27),
        )
        dispose_case(
            s, case_id=case.id, disposed_at=date(2026, 9, 28), action="delete", records_ref="备份 A1"
        )


@pytest.fixture
def second_db(migrated_url: str, new_database_like: Callable[[str], str]) -> str:
    """A second empty database of the same kind as the test's (`migrated_url`, as `engine` uses)."""
    return new_database_like(migrated_url)


@pytest.mark.parametrize("suffix", [".json", ".zip"])
def test_round_trip_loses_nothing(
    engine: Engine, second_db: str, seed_path: Path, tmp_path: Path, suffix: str
) -> None:
    populate(engine, seed_path)
    first = tmp_path / f"one{suffix}"
    counts = export_portfolio(engine, first)
    assert counts["licences"] == 4 and counts["licence_revisions"] == 4 and counts["disposal_cases"] == 1
    assert counts["audit_log"] > 10 and set(counts) == set(load_all().tables)

    target = make_engine(second_db)
    upgrade(target)
    result = import_portfolio(target, first)
    assert result.counts["audit_log"] == counts["audit_log"]
    second = tmp_path / f"two{suffix}"
    export_portfolio(target, second)
    assert content_for_comparison(first) == content_for_comparison(second)
    with session_scope(target, actor="t") as s:
        assert verify(s).ok  # the chain survived the trip verbatim
        from vats.store.organisations import add_organisation

        add_organisation(s, name="导入后新增")  # sequences moved past restored ids
    with session_scope(target, actor="t") as s:
        assert verify(s).ok
    target.dispose()


def test_import_refuses_a_non_empty_database(engine: Engine, seed_path: Path, tmp_path: Path) -> None:
    populate(engine, seed_path, licences=0)
    out = tmp_path / "p.json"
    export_portfolio(engine, out)
    with pytest.raises(RefusedError, match="not empty"):
        import_portfolio(engine, out)


def test_import_rejects_foreign_files(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not a vats export"):
        import_portfolio(engine, bad)


def test_killed_import_leaves_database_as_it_was(
    engine: Engine, second_db: str, seed_path: Path, tmp_path: Path
) -> None:
    populate(engine, seed_path)
    out = tmp_path / "p.json"
    export_portfolio(engine, out)
    target = make_engine(second_db)
    upgrade(target)
    env = {**os.environ, "VATS_TEST_IMPORT_PAUSE": "60"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vats.cli.main", "import", str(out), "--db", second_db],
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    assert "vats-import-paused" in line  # the first table has been written inside the transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with target.connect() as conn:
        for table in load_all().sorted_tables:
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0, table.name
    target.dispose()
    # and the same file still imports cleanly afterwards
    target = make_engine(second_db)
    assert import_portfolio(target, out).counts["licences"] == 4
    target.dispose()


@pytest.mark.postgres
def test_sqlite_export_restores_into_postgresql(
    sqlite_url: str, pg_url: str, seed_path: Path, tmp_path: Path
) -> None:
    """Moving from the default SQLite file to a PostgreSQL server is an export and an import."""
    source = make_engine(sqlite_url)
    upgrade(source)
    populate(source, seed_path)
    first = tmp_path / "from-sqlite.zip"
    export_portfolio(source, first)
    source.dispose()
    target = make_engine(pg_url)
    upgrade(target)
    import_portfolio(target, first)
    second = tmp_path / "from-pg.zip"
    export_portfolio(target, second)
    assert content_for_comparison(first) == content_for_comparison(second)
    with session_scope(target, actor="t") as s:
        assert verify(s).ok
    target.dispose()
