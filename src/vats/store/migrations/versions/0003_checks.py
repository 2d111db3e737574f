"""Homepage-check evidence and the declared inventory (CHECKS).

check_runs / check_results are insert-only evidence; inventory_items is audited mutable data.
Licences are referenced by canonical number, not by foreign key (see vats.store.checks).

Revision ID: 0003_checks
Revises: 0002_registers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_checks"
down_revision = "0002_registers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=500), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("sites", sa.Integer(), nullable=False),
        sa.Column("sites_passed", sa.Integer(), nullable=False),
        sa.Column("sites_failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_check_runs"),
    )
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=True),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("check_kind", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("requested_url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("elapsed_ms", sa.Float(), nullable=False),
        sa.Column("body_sm3", sa.String(length=64), nullable=True),
        sa.Column("body_bytes", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=True),
        sa.Column("snippet_start", sa.Integer(), nullable=True),
        sa.Column("in_footer", sa.Boolean(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["check_runs.id"], name="fk_check_results_run_id_check_runs", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_check_results"),
    )
    op.create_index("ix_check_results_domain_checked_at", "check_results", ["domain", "checked_at"])
    op.create_index("ix_check_results_run_id", "check_results", ["run_id"])
    op.create_index("ix_check_results_licence", "check_results", ["licence"])
    op.create_table(
        "inventory_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=253), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("server_location", sa.Text(), nullable=True),
        sa.Column("access_provider", sa.Text(), nullable=True),
        sa.Column("licence", sa.String(length=64), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_items"),
        sa.UniqueConstraint("organisation", "kind", "key", name="uq_inventory_items_org_kind_key"),
    )


def downgrade() -> None:
    op.drop_table("inventory_items")
    op.drop_index("ix_check_results_licence", table_name="check_results")
    op.drop_index("ix_check_results_run_id", table_name="check_results")
    op.drop_index("ix_check_results_domain_checked_at", table_name="check_results")
    op.drop_table("check_results")
    op.drop_table("check_runs")
