"""Migrations and models agree: upgrading an empty database yields exactly `Base.metadata`."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from vats.store.all_models import load_all
from vats.store.db import current, head_revisions, make_engine, owned_by_vats, upgrade


def test_upgrade_matches_models(db_url: str) -> None:
    metadata = load_all()
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": owned_by_vats})
        diff = compare_metadata(ctx, metadata)
    engine.dispose()
    assert diff == [], "migrations differ from models:\n" + "\n".join(map(repr, diff))


def test_upgrade_is_idempotent_and_reports_head(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current(engine) == []
    upgrade(engine)
    upgrade(engine)
    assert current(engine) == head_revisions(engine)
    engine.dispose()


def test_every_table_module_is_listed_in_all_models() -> None:
    """A table module is loaded by all_models (listed there, or a register's models), or export and this
    test miss it."""
    from pathlib import Path

    from vats.registers import REGISTERS
    from vats.store.all_models import MODEL_MODULES

    src = Path(__file__).resolve().parents[2] / "src"
    declaring = {
        ".".join(path.relative_to(src).with_suffix("").parts)
        for path in (src / "vats").rglob("*.py")
        if "__tablename__ = " in path.read_text(encoding="utf-8")
    }
    loaded = set(MODEL_MODULES) | {f"vats.registers.{plural}.models" for plural in REGISTERS}
    assert declaring <= loaded, sorted(declaring - loaded)


def test_job_queue_schema_only_on_postgresql(db_url: str) -> None:
    """0016_jobs creates the job queue's tables on PostgreSQL (workers share them) and nothing on SQLite;
    a downgrade past it removes them."""
    from sqlalchemy import inspect

    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert ("procrastinate_jobs" in tables) == (engine.dialect.name == "postgresql")
    from alembic import command

    from vats.store.db import _alembic_config

    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015_copies")
    with engine.connect() as conn:
        assert not any(t.startswith("procrastinate_") for t in inspect(conn).get_table_names())
    upgrade(engine)
    engine.dispose()
