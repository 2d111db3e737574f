"""Audit entries carry the organisation of the entity they touch, so non-admin readers see only theirs.

`audit_log.organisation_id` is filled for existing entries from what they record: the organisation
itself, the entity's own `organisation_id` (from the logged images, else the row as it is now), or
the parent row for licence revisions (licence), attachments (filing) and inventory items (holder
name). Entries that touch no organisation stay NULL and are read by admins only. The column is not
part of the hashed content, so the chain verifies unchanged.

Revision ID: 0007_sec_tenancy
Revises: 0006_status_indexes
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_sec_tenancy"
down_revision = "0006_status_indexes"
branch_labels = None
depends_on = None

BATCH = 2000
# entity → (parent table, the logged column naming the parent, parent column it matches)
_PARENTS = {
    "licence_revisions": ("licences", "licence_id", "id"),
    "attachments": ("filings", "filing_id", "id"),
    "inventory_items": ("organisations", "organisation", "name"),
}


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_log_organisation_id", ["organisation_id"])
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_organisation_id")
        batch.drop_column("organisation_id")


class _Lookup:
    """Current rows of the entity tables, read once per (table, key) as they are needed."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.meta = sa.MetaData()
        self.names = set(sa.inspect(conn).get_table_names())
        self.cache: dict[tuple[str, str, str], dict[str, Any]] = {}

    def column(self, table: str, key: str, wanted: str) -> dict[str, Any]:
        """{str(key value): wanted value} of every row of `table` (empty if either column is missing)."""
        slot = (table, key, wanted)
        if slot not in self.cache:
            found: dict[str, Any] = {}
            if table in self.names:
                t = sa.Table(table, self.meta, autoload_with=self.conn, extend_existing=True)
                if key in t.c and wanted in t.c:
                    rows = self.conn.execute(sa.select(t.c[key], t.c[wanted]))
                    found = {str(k): v for k, v in rows}
            self.cache[slot] = found
        return self.cache[slot]


def _organisation(lookup: _Lookup, entity: str, entity_id: str, images: list[dict[str, Any]]) -> Any:
    if entity == "organisations":
        return int(entity_id) if entity_id.isdigit() else None
    for image in images:
        if isinstance(image.get("organisation_id"), int):
            return image["organisation_id"]
    if entity in _PARENTS:
        parent, via, key = _PARENTS[entity]
        link = next((image[via] for image in images if image.get(via) is not None), None)
        if link is None:  # an update that did not change the link: read it from the row
            link = lookup.column(entity, "id", via).get(entity_id)
        if link is None:
            return None
        return lookup.column(parent, key, "id" if parent == "organisations" else "organisation_id").get(
            str(link)
        )
    return lookup.column(entity, "id", "organisation_id").get(entity_id)


def _backfill(conn: sa.Connection) -> None:
    log = sa.table(
        "audit_log",
        sa.column("id", sa.BigInteger()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("organisation_id", sa.Integer()),
    )
    lookup = _Lookup(conn)
    last = 0
    while True:
        rows = conn.execute(
            sa.select(log.c.id, log.c.entity, log.c.entity_id, log.c.before, log.c.after)
            .where(log.c.id > last)
            .order_by(log.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        updates = []
        for row in rows:
            images = [i for i in (row.after, row.before) if isinstance(i, dict)]
            org = _organisation(lookup, row.entity, str(row.entity_id), images)
            if isinstance(org, int):
                updates.append({"row_id": row.id, "org": org})
        if updates:
            stmt = log.update().where(log.c.id == sa.bindparam("row_id"))
            conn.execute(stmt.values(organisation_id=sa.bindparam("org")), updates)
        last = rows[-1].id
