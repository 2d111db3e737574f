"""Obligation cache (PERF): persisted engine output per licence so `vats status` is SQL aggregates.

Derived data only (see vats.store.obligation_cache); dropping these tables loses nothing.

Revision ID: 0005_obligation_cache
Revises: 0004_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_obligation_cache"
down_revision = "0004_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "obligation_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("conditional", sa.Text(), nullable=True),
        sa.Column("fixed_status", sa.String(length=16), nullable=True),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_obligation_cache"),
    )
    op.create_index("ix_obligation_cache_licence", "obligation_cache", ["licence"])
    op.create_index("ix_obligation_cache_due_date", "obligation_cache", ["due_date"])
    op.create_index("ix_obligation_cache_status_due", "obligation_cache", ["fixed_status", "due_date"])
    op.create_index("ix_obligation_cache_late", "obligation_cache", ["late", "completed_on"])
    op.create_table(
        "obligation_cache_state",
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("base", sa.String(length=64), nullable=False),
        sa.Column("licence_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_obligation_cache_state"),
    )
    op.create_index("ix_obligation_cache_state_base", "obligation_cache_state", ["base"])
    op.create_table(
        "obligation_cache_meta",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_obligation_cache_meta"),
    )


def downgrade() -> None:
    op.drop_table("obligation_cache_meta")
    op.drop_index("ix_obligation_cache_state_base", table_name="obligation_cache_state")
    op.drop_table("obligation_cache_state")
    op.drop_index("ix_obligation_cache_late", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_status_due", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_due_date", table_name="obligation_cache")
    op.drop_index("ix_obligation_cache_licence", table_name="obligation_cache")
    op.drop_table("obligation_cache")
