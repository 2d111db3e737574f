"""Undated standing duties are counted, not stored, in the obligation cache.

Most obligations of a licence are standing duties with no due date and no stored status (keep
records, keep the site filed …): they are never listed by `vats status`, only counted, yet they
were two thirds of the cached rows a cold refresh wrote. `obligation_cache_state.standing` holds
how many such obligations each licence has; the tally counts them as before. Rows cached by an
earlier version stay valid (their licence's `standing` is 0) until the licence is refreshed.

Revision ID: 0021_cache
Revises: 0019_lists
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_cache"
down_revision = "0019_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("obligation_cache_state") as batch:
        batch.add_column(sa.Column("standing", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # the rows left out are gone: every licence is evaluated again by the next refresh
    op.execute("DELETE FROM obligation_cache")
    op.execute("DELETE FROM obligation_cache_tally")
    op.execute("DELETE FROM obligation_cache_state")
    op.execute("DELETE FROM obligation_cache_meta")
    with op.batch_alter_table("obligation_cache_state") as batch:
        batch.drop_column("standing")
