"""Filings workspace: annual report workpacks (one per licence and report year), and the APP filing
number, package name and stores of declared inventory items (nullable: nothing to backfill).

Revision ID: 0014_filings
Revises: 0011_auditlog
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_filings"
down_revision = "0011_auditlog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workpacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(64), nullable=False),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id", name="fk_workpacks_organisation_id_organisations", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("frozen", sa.JSON(), nullable=True),
        sa.Column(
            "filing_id",
            sa.Integer(),
            sa.ForeignKey("filings.id", name="fk_workpacks_filing_id_filings", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("submitted_at", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_workpacks"),
        sa.UniqueConstraint("licence", "year", name="uq_workpacks_licence_year"),
    )
    op.create_index("ix_workpacks_licence", "workpacks", ["licence"])
    op.create_index("ix_workpacks_organisation_id", "workpacks", ["organisation_id"])
    op.create_index("ix_workpacks_status", "workpacks", ["status"])
    op.create_index("ix_workpacks_filing_id", "workpacks", ["filing_id"])
    with op.batch_alter_table("inventory_items") as batch:
        batch.add_column(sa.Column("filing_number", sa.String(64), nullable=True))
        batch.add_column(sa.Column("package_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("stores", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inventory_items") as batch:
        batch.drop_column("stores")
        batch.drop_column("package_name")
        batch.drop_column("filing_number")
    op.drop_table("workpacks")
