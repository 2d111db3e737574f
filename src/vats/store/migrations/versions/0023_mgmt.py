"""Request counters for the public routes' rate limit (`rate_windows`), shared by every process.

Revision ID: 0023_mgmt
Revises: 0022_jobs2
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_mgmt"
down_revision = "0022_jobs2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("bucket", sa.String(length=200), nullable=False),
        sa.Column("window_no", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_no", name=op.f("pk_rate_windows")),
    )
    op.create_index(op.f("ix_rate_windows_window_no"), "rate_windows", ["window_no"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_windows_window_no"), table_name="rate_windows")
    op.drop_table("rate_windows")
