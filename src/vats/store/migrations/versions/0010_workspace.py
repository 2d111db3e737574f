"""Obligation workspace: evidence files, owners, default owners, waiver requests, the action history,
reminder channels and settings, and the reminder sent-log (see vats.registers.workspace.models).

Revision ID: 0010_workspace
Revises: 0009_rules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_workspace"
down_revision = "0009_rules"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete=ondelete
    )


def _org(table: str) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    return (
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        _fk(table, "organisation_id", "organisations.id", "SET NULL"),
    )


def upgrade() -> None:
    op.create_table(
        "obligation_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=32), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        *_org("obligation_evidence"),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sm3", sa.String(length=64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("record", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("obligation_evidence", "event_id", "events.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_obligation_evidence"),
    )
    op.create_index("ix_obligation_evidence_obligation_id", "obligation_evidence", ["obligation_id"])
    op.create_index("ix_obligation_evidence_organisation_id", "obligation_evidence", ["organisation_id"])

    op.create_table(
        "obligation_owners",
        sa.Column("obligation_id", sa.String(length=32), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        *_org("obligation_owners"),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("obligation_owners", "actor_id", "actors.id", "CASCADE"),
        sa.PrimaryKeyConstraint("obligation_id", name="pk_obligation_owners"),
    )
    op.create_index("ix_obligation_owners_licence", "obligation_owners", ["licence"])
    op.create_index("ix_obligation_owners_organisation_id", "obligation_owners", ["organisation_id"])
    op.create_index("ix_obligation_owners_actor_id", "obligation_owners", ["actor_id"])

    op.create_table(
        "default_owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("default_owners", "organisation_id", "organisations.id", "CASCADE"),
        _fk("default_owners", "actor_id", "actors.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_default_owners"),
        sa.UniqueConstraint("organisation_id", "rule_id", name="uq_default_owners_org_rule"),
    )
    op.create_index("ix_default_owners_actor_id", "default_owners", ["actor_id"])

    op.create_table(
        "waiver_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=32), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        *_org("waiver_requests"),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("waiver_requests", "event_id", "events.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_waiver_requests"),
    )
    op.create_index("ix_waiver_requests_obligation_id", "waiver_requests", ["obligation_id"])
    op.create_index("ix_waiver_requests_organisation_id", "waiver_requests", ["organisation_id"])

    op.create_table(
        "obligation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=32), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        *_org("obligation_actions"),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("obligation_actions", "event_id", "events.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_obligation_actions"),
    )
    op.create_index("ix_obligation_actions_obligation_id", "obligation_actions", ["obligation_id"])
    op.create_index("ix_obligation_actions_organisation_id", "obligation_actions", ["organisation_id"])

    op.create_table(
        "reminder_channels",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("reminder_channels", "actor_id", "actors.id", "CASCADE"),
        sa.PrimaryKeyConstraint("actor_id", name="pk_reminder_channels"),
    )

    op.create_table(
        "reminder_settings",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name="pk_reminder_settings"),
    )

    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reminders_sent"),
        sa.UniqueConstraint("obligation_id", "stage", name="uq_reminders_sent_obligation_stage"),
    )
    op.create_index("ix_reminders_sent_organisation_id", "reminders_sent", ["organisation_id"])


def downgrade() -> None:
    for table in (
        "reminders_sent",
        "reminder_settings",
        "reminder_channels",
        "obligation_actions",
        "waiver_requests",
        "default_owners",
        "obligation_owners",
        "obligation_evidence",
    ):
        op.drop_table(table)
