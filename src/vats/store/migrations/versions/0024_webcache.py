"""The web reads obligations from the cache: standing duties counted per kind, rows found by id.

The obligations list pages from the cache (`vats.store.obligation_list`), and the web lists dated
duties and controls (continuous duties) apart: the undated standing duties the cache only counts
must be counted per kind too. `obligation_cache_state.standing_controls` holds how many of
`standing` are continuous. `obligation_cache.ident` holds each row's stable obligation id, so a page
about one obligation evaluates its licence alone. Rows cached earlier know neither, so the rules
fingerprint is forgotten: the next refresh evaluates every licence again.

Revision ID: 0024_webcache
Revises: 0023_mgmt
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_webcache"
down_revision = "0023_mgmt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("obligation_cache_state") as batch:
        batch.add_column(sa.Column("standing_controls", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("obligation_cache") as batch:
        batch.add_column(sa.Column("ident", sa.String(24), nullable=False, server_default=""))
        batch.create_index("ix_obligation_cache_ident", ["ident"])
    op.execute("DELETE FROM obligation_cache_meta WHERE key = 'engine_fingerprint'")


def downgrade() -> None:
    with op.batch_alter_table("obligation_cache") as batch:
        batch.drop_index("ix_obligation_cache_ident")
        batch.drop_column("ident")
    with op.batch_alter_table("obligation_cache_state") as batch:
        batch.drop_column("standing_controls")
