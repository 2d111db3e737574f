"""The audit log as a Merkle tree: `audit_tree` caches perfect subtrees and keeps archived leaves.

The cache is filled here from the existing entries (block by block, the same rule the appender uses),
so tree heads and proofs are cheap at once. A log archived before this revision starts mid-chain and
its archived leaves are not known to the database; such a log keeps verifying as a chain, and its
tree covers the entries that remain.

Revision ID: 0011_auditlog
Revises: 0010_workspace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_auditlog"
down_revision = "0010_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_tree",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_audit_tree")),
    )
    bind = op.get_bind()
    first = bind.execute(sa.text("SELECT MIN(id), MAX(id) FROM audit_log")).first()
    if first is None or first[0] != 1:
        return
    from vats.store.audittree import extend

    extend(bind, 0, int(first[1]))


def downgrade() -> None:
    op.drop_table("audit_tree")
