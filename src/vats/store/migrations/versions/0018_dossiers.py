"""Application dossiers (renewal, expired licence, change) and the files attached to their items.

Revision ID: 0018_dossiers
Revises: 0017_scans
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_dossiers"
down_revision = "0017_scans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(64), nullable=False),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id", name="fk_dossiers_organisation_id_organisations", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("cycle", sa.String(40), nullable=False),
        sa.Column("family", sa.String(20), nullable=True),
        sa.Column("checklist_version", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column(
            "change_id",
            sa.Integer(),
            sa.ForeignKey(
                "corporate_changes.id", name="fk_dossiers_change_id_corporate_changes", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column(
            "filing_id",
            sa.Integer(),
            sa.ForeignKey("filings.id", name="fk_dossiers_filing_id_filings", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("submitted_at", sa.Date(), nullable=True),
        sa.Column("receipt_no", sa.String(100), nullable=True),
        sa.Column("approved_at", sa.Date(), nullable=True),
        sa.Column("revision_before", sa.Integer(), nullable=True),
        sa.Column("revision_after", sa.Integer(), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dossiers"),
        sa.UniqueConstraint("licence", "kind", "cycle", name="uq_dossiers_licence_kind_cycle"),
    )
    op.create_index("ix_dossiers_licence", "dossiers", ["licence"])
    op.create_index("ix_dossiers_organisation_id", "dossiers", ["organisation_id"])
    op.create_index("ix_dossiers_status", "dossiers", ["status"])
    op.create_index("ix_dossiers_change_id", "dossiers", ["change_id"])
    op.create_index("ix_dossiers_filing_id", "dossiers", ["filing_id"])
    op.create_table(
        "dossier_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "dossier_id",
            sa.Integer(),
            sa.ForeignKey(
                "dossiers.id", name="fk_dossier_attachments_dossier_id_dossiers", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("item", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sm3", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dossier_attachments"),
    )
    op.create_index("ix_dossier_attachments_dossier_id", "dossier_attachments", ["dossier_id"])


def downgrade() -> None:
    op.drop_table("dossier_attachments")
    op.drop_table("dossiers")
