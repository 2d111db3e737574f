"""Registers (REGISTERS): disposal cases, complaints, incidents, assessments, corporate changes,
filings and their attachments.

Every register table starts with the same columns (vats.registers.base.RegisterColumns): id, licence
(canonical number, not a foreign key, so a register survives a licence re-import), organisation_id,
status, note, created_at, updated_at and version (optimistic concurrency).

Revision ID: 0002_registers
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_registers"
down_revision = "0001_core"
branch_labels = None
depends_on = None

REGISTER_TABLES = ("disposal_cases", "complaints", "incidents", "assessments", "corporate_changes", "filings")


def _common(table: str) -> list[sa.Column[object]]:
    """The RegisterColumns mixin, in model order."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _constraints(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=f"fk_{table}_organisation_id_organisations",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def _indexes(table: str) -> None:
    for column in ("licence", "organisation_id", "status"):
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def _specific() -> dict[str, list[sa.Column[object]]]:
    """Per-table columns, built fresh on every call (a Column belongs to one Table only)."""
    return {
        "disposal_cases": [
            sa.Column("site", sa.String(length=255), nullable=False),
            sa.Column("content_ref", sa.String(length=500), nullable=False),
            sa.Column("category", sa.String(length=40), nullable=False),
            sa.Column("discovered_at", sa.Date(), nullable=False),
            sa.Column("disposed_at", sa.Date(), nullable=True),
            sa.Column("action", sa.String(length=20), nullable=True),
            sa.Column("records_kept", sa.Boolean(), nullable=False),
            sa.Column("records_ref", sa.String(length=500), nullable=True),
            sa.Column("reported_at", sa.Date(), nullable=True),
            sa.Column("receipt_no", sa.String(length=100), nullable=True),
        ],
        "complaints": [
            sa.Column("received_at", sa.Date(), nullable=False),
            sa.Column("channel", sa.String(length=20), nullable=False),
            sa.Column("topic", sa.String(length=40), nullable=False),
            sa.Column("complainant_ref", sa.String(length=200), nullable=False),
            sa.Column("summary", sa.Text(), nullable=True),
            sa.Column("replied_at", sa.Date(), nullable=True),
            sa.Column("reply_ref", sa.String(length=500), nullable=True),
        ],
        "incidents": [
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("severity", sa.String(length=20), nullable=False),
            sa.Column("title", sa.String(length=500), nullable=False),
            sa.Column("affected_users", sa.Integer(), nullable=True),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("contained_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("report_ref", sa.String(length=200), nullable=True),
            sa.Column("follow_ups", sa.JSON(), nullable=False),
        ],
        "assessments": [
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("scope", sa.String(length=500), nullable=False),
            sa.Column("unit", sa.String(length=200), nullable=True),
            sa.Column("level", sa.Integer(), nullable=True),
            sa.Column("completed_at", sa.Date(), nullable=True),
            sa.Column("reported_at", sa.Date(), nullable=True),
            sa.Column("report_ref", sa.String(length=200), nullable=True),
        ],
        "corporate_changes": [
            sa.Column("kind", sa.String(length=30), nullable=False),
            sa.Column("description", sa.Text(), nullable=True),
            sa.Column("decided_at", sa.Date(), nullable=True),
            sa.Column("registered_at", sa.Date(), nullable=True),
            sa.Column("effective_at", sa.Date(), nullable=True),
            sa.Column("filed_at", sa.Date(), nullable=True),
            sa.Column("receipt_no", sa.String(length=100), nullable=True),
        ],
        "filings": [
            sa.Column("kind", sa.String(length=30), nullable=False),
            sa.Column("year", sa.Integer(), nullable=True),
            sa.Column("title", sa.String(length=500), nullable=False),
            sa.Column("submitted_at", sa.Date(), nullable=True),
            sa.Column("receipt_no", sa.String(length=100), nullable=True),
        ],
    }


def upgrade() -> None:
    specific = _specific()
    for table in REGISTER_TABLES:
        op.create_table(table, *_common(table), *specific[table], *_constraints(table))
        _indexes(table)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sm3", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name="fk_attachments_filing_id_filings", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_index("ix_attachments_filing_id", "attachments", ["filing_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attachments_filing_id", table_name="attachments")
    op.drop_table("attachments")
    for table in reversed(REGISTER_TABLES):
        for column in ("status", "organisation_id", "licence"):
            op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.drop_table(table)
