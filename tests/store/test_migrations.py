"""Migrations and models agree: upgrading an empty database yields exactly `Base.metadata`."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from vats.store.all_models import load_all
from vats.store.db import current, head_revisions, make_engine, upgrade


def test_upgrade_matches_models(db_url: str) -> None:
    metadata = load_all()
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
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
