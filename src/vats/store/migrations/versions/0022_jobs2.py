"""vats's record of background work (`background_jobs`): kind, organisation, progress, what it produced;
and an index on the scope of stored check runs (the idempotency key of a site's check).

Revision ID: 0022_jobs2
Revises: 0021_cache
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_jobs2"
down_revision = "0021_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("output_name", sa.String(length=200), nullable=True),
        sa.Column("output_type", sa.String(length=100), nullable=True),
        sa.Column("output", sa.LargeBinary(), nullable=True),
        sa.Column("input_name", sa.String(length=200), nullable=True),
        sa.Column("input", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_background_jobs_key")),
    )
    op.create_index(op.f("ix_background_jobs_kind"), "background_jobs", ["kind"])
    op.create_index(op.f("ix_background_jobs_organisation_id"), "background_jobs", ["organisation_id"])
    op.create_index(op.f("ix_background_jobs_state"), "background_jobs", ["state"])
    # a site's result is looked up by its scope before every stored check (idempotency)
    op.create_index(op.f("ix_check_runs_scope"), "check_runs", ["scope"])


def downgrade() -> None:
    op.drop_index(op.f("ix_check_runs_scope"), table_name="check_runs")
    op.drop_table("background_jobs")
