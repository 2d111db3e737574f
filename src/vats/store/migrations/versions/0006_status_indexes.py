"""Status at scale (PERF, issue 4): covering and index-ordered indexes, the obligation tally, lz4.

* `licences(archived, expiry_date, number)`: the live-licence counts and the soonest expiries of
  `vats status` read this index instead of the wide licence rows.
* `obligation_cache`: `subject` is '' instead of NULL (NULLs sort first on SQLite, last on
  PostgreSQL); on PostgreSQL the tie columns take the "C" collation (code-point order, as Python and
  SQLite sort); the urgency and recent-completion indexes carry every ORDER BY column of the top-N
  lists, so each list is an index scan that stops after N rows. The lone due-date index served no
  query and is dropped.
* `obligation_cache_tally`: rows per (stored status, due date, late), filled here from the cache.
* PostgreSQL: the licence JSON and document bytes are compressed with lz4 instead of pglz where the
  server supports it (three large values per licence; pglz dominated a bulk import's server time).

Revision ID: 0006_status_indexes
Revises: 0005_obligation_cache
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_status_indexes"
down_revision = "0005_obligation_cache"
branch_labels = None
depends_on = None

_TIES = (("licence", sa.String(length=64)), ("rule_id", sa.String(length=100)), ("subject", sa.Text()))
_COMPRESSED = (("licences", "data"), ("licence_revisions", "data"), ("licence_revisions", "content"))


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _cache_columns(collation: str | None, *, subject_nullable: bool) -> None:
    with op.batch_alter_table("obligation_cache") as batch:  # SQLite rebuilds the table
        for name, type_ in _TIES:
            collated = type(type_)(length=type_.length, collation=collation)
            nullable = subject_nullable if name == "subject" else False
            batch.alter_column(name, existing_type=type_, type_=collated, nullable=nullable)


def _lz4() -> None:
    """Switch the large columns to lz4 where the server was built with it (else keep pglz)."""
    conn = op.get_bind()
    for table, column in _COMPRESSED:
        savepoint = conn.begin_nested()
        try:
            conn.execute(sa.text(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4"))
        except sa.exc.DBAPIError:
            savepoint.rollback()
            return
        savepoint.commit()


def upgrade() -> None:
    op.create_index("ix_licences_live_expiry", "licences", ["archived", "expiry_date", "number"])
    op.drop_index("ix_obligation_cache_status_due", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_late", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_due_date", table_name="obligation_cache")
    op.execute("UPDATE obligation_cache SET subject = '' WHERE subject IS NULL")
    _cache_columns("C" if _postgresql() else None, subject_nullable=False)
    op.create_index(
        "ix_obligation_cache_urgency",
        "obligation_cache",
        ["fixed_status", "due_date", "licence", "rule_id", "subject"],
    )
    op.create_index(
        "ix_obligation_cache_recent",
        "obligation_cache",
        ["late", sa.text("completed_on DESC"), "licence", "rule_id", "subject"],
    )
    op.create_table(
        "obligation_cache_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fixed_status", sa.String(length=16), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_obligation_cache_tally"),
    )
    op.execute(
        "INSERT INTO obligation_cache_tally (fixed_status, due_date, late, n) "
        "SELECT fixed_status, due_date, late, count(*) FROM obligation_cache "
        "GROUP BY fixed_status, due_date, late"
    )
    if _postgresql():
        _lz4()


def downgrade() -> None:
    op.drop_table("obligation_cache_tally")
    op.drop_index("ix_obligation_cache_recent", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_urgency", table_name="obligation_cache")
    _cache_columns(None, subject_nullable=True)
    op.execute("UPDATE obligation_cache SET subject = NULL WHERE subject = ''")
    op.create_index("ix_obligation_cache_due_date", "obligation_cache", ["due_date"])
    op.create_index("ix_obligation_cache_late", "obligation_cache", ["late", "completed_on"])
    op.create_index("ix_obligation_cache_status_due", "obligation_cache", ["fixed_status", "due_date"])
    op.drop_index("ix_licences_live_expiry", table_name="licences")
