"""Regulator lists kept per organisation: imported lists with their entries, the counterparties an
organisation watches, and the findings a match produced.

Revision ID: 0019_lists
Revises: 0016_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_lists"
down_revision = "0016_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regulator_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("sm3", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("new_findings", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_regulator_lists_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulator_lists")),
    )
    op.create_index(op.f("ix_regulator_lists_organisation_id"), "regulator_lists", ["organisation_id"])
    op.create_table(
        "regulator_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        *(sa.Column(n, sa.String(length=500), nullable=True) for n in ("name", "uscc", "licence")),
        *(sa.Column(n, sa.String(length=500), nullable=True) for n in ("date", "reason", "unit")),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["regulator_lists.id"],
            name=op.f("fk_regulator_list_entries_list_id_regulator_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regulator_list_entries")),
    )
    op.create_index(op.f("ix_regulator_list_entries_list_id"), "regulator_list_entries", ["list_id"])
    op.create_table(
        "counterparties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("licence", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_counterparties_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counterparties")),
    )
    op.create_index(op.f("ix_counterparties_organisation_id"), "counterparties", ["organisation_id"])
    op.create_index("ix_counterparties_org_name", "counterparties", ["organisation_id", "name"])
    op.create_table(
        "list_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("hit_key", sa.String(length=300), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("last_list_id", sa.Integer(), nullable=True),
        sa.Column("list_kind", sa.String(length=20), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("party_kind", sa.String(length=20), nullable=False),
        sa.Column("party_label", sa.String(length=300), nullable=False),
        sa.Column("counterparty_id", sa.Integer(), nullable=True),
        sa.Column("licence", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("matched_by", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name=op.f("fk_list_findings_counterparty_id_counterparties"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_list_id"],
            ["regulator_lists.id"],
            name=op.f("fk_list_findings_last_list_id_regulator_lists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["regulator_lists.id"],
            name=op.f("fk_list_findings_list_id_regulator_lists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_list_findings_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_findings")),
        sa.UniqueConstraint("organisation_id", "hit_key", name="uq_list_findings_org_hit"),
    )
    op.create_index(op.f("ix_list_findings_organisation_id"), "list_findings", ["organisation_id"])
    op.create_index(op.f("ix_list_findings_list_id"), "list_findings", ["list_id"])
    op.create_index(op.f("ix_list_findings_licence"), "list_findings", ["licence"])


def downgrade() -> None:
    for table in ("list_findings", "counterparties", "regulator_list_entries", "regulator_lists"):
        op.drop_table(table)
