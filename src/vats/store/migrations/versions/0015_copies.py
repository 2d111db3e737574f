"""The register of purpose-bound licence copies (`licence_copies`).

Revision ID: 0015_copies
Revises: 0014_filings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_copies"
down_revision = "0014_filings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "licence_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("copy_id", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("licence_number", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_sm3", sa.String(length=64), nullable=False),
        sa.Column("output_sm3", sa.String(length=64), nullable=True),
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_licence_copies_licence_id_licences"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_licence_copies_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_copies")),
        sa.UniqueConstraint("copy_id", name=op.f("uq_licence_copies_copy_id")),
    )
    op.create_index(op.f("ix_licence_copies_expires_on"), "licence_copies", ["expires_on"])
    op.create_index(op.f("ix_licence_copies_licence_id"), "licence_copies", ["licence_id"])
    op.create_index(op.f("ix_licence_copies_organisation_id"), "licence_copies", ["organisation_id"])
    op.create_index("ix_licence_copies_org_recipient", "licence_copies", ["organisation_id", "recipient"])


def downgrade() -> None:
    op.drop_table("licence_copies")
