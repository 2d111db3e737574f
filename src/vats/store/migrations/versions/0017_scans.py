"""Scanned licences kept with their originals: staged uploads, scan files, field confirmations.

Revision ID: 0017_scans
Revises: 0016_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_scans"
down_revision = "0016_jobs"
branch_labels = None
depends_on = None


def _org() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("organisation_id", sa.Integer(), nullable=True)


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "scan_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        _org(),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reading", sa.JSON(), nullable=False),
        _org_fk("scan_uploads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_scan_uploads_token")),
    )
    op.create_index(op.f("ix_scan_uploads_expires_at"), "scan_uploads", ["expires_at"])
    op.create_index(op.f("ix_scan_uploads_organisation_id"), "scan_uploads", ["organisation_id"])
    op.create_table(
        "scan_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        _org(),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("sm3", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["scan_uploads.id"],
            name=op.f("fk_scan_files_upload_id_scan_uploads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["licence_revisions.id"],
            name=op.f("fk_scan_files_revision_id_licence_revisions"),
            ondelete="RESTRICT",
        ),
        _org_fk("scan_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_files")),
    )
    for column in ("upload_id", "revision_id", "organisation_id"):
        op.create_index(op.f(f"ix_scan_files_{column}"), "scan_files", [column])
    op.create_table(
        "scan_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        _org(),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("final", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["licence_revisions.id"],
            name=op.f("fk_scan_fields_revision_id_licence_revisions"),
            ondelete="RESTRICT",
        ),
        _org_fk("scan_fields"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_fields")),
    )
    op.create_index(op.f("ix_scan_fields_revision_id"), "scan_fields", ["revision_id"])
    op.create_index(op.f("ix_scan_fields_organisation_id"), "scan_fields", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("scan_fields")
    op.drop_table("scan_files")
    op.drop_table("scan_uploads")
