"""Rules fidelity: organisation profiles, a licence's user-set first-issue date, incident discovery time.

`organisation_profiles` holds the facts that decide whether the data-law rules apply (one row per
organisation and key); `licences.first_issued` is the first-issue date a user sets, which wins over the
year read from the number; `incidents.discovered_at` is when an incident was found, from which
reporting deadlines in hours are counted. All new columns are nullable: nothing to backfill.

Revision ID: 0009_rules
Revises: 0007_sec_tenancy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_rules"
down_revision = "0007_sec_tenancy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_profiles",
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("licences") as batch:
        batch.add_column(sa.Column("first_issued", sa.Date(), nullable=True))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch rebuild of `licences` would break the
    # foreign keys that point at it while they are enforced.
    op.execute("ALTER TABLE incidents DROP COLUMN discovered_at")
    op.execute("ALTER TABLE licences DROP COLUMN first_issued")
    op.drop_table("organisation_profiles")
