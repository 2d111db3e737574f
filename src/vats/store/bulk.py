"""Bulk import of many NEW licences (a migration from another system, an agency's whole book).

`import_licence` is the everyday path: one ORM object per row, one audit entry per row. Loading
100,000 licences that way spends most of its time in per-object bookkeeping, so this path inserts
with executemany in batches, encodes each licence's JSON once (it is stored in both `licences.data`
and `licence_revisions.data`), and writes ONE audit entry per batch that names the id range, the
count and the SM3 digest of every (number, document digest) pair — the trail still proves exactly
what was loaded. Numbers that already exist are refused (`ConflictError`); use `import_licence` to
add a revision to an existing licence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Dialect, Table, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import column
from sqlalchemy.sql import table as table_clause
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.types import TypeDecorator

from vats.model.errors import ConflictError
from vats.store.audit import sm3_hex
from vats.store.auditlog import Change, append
from vats.store.models import LicenceRecord, LicenceRevision


@dataclass(frozen=True, slots=True)
class BulkLicence:
    """One licence to load: its parsed JSON (`to_jsonable(Licence)`) and the original document."""

    data: dict[str, Any]
    content: bytes
    source_name: str | None = None
    organisation_id: int | None = None
    media_type: str = "text/plain"


class _EncodedJSON(TypeDecorator[Any]):
    """A JSON column whose bound value is already JSON text (encoded once, bound twice)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def _light(table: Any) -> TableClause:
    t: Table = table.__table__
    return table_clause(
        t.name, *[column(c.name, _EncodedJSON() if isinstance(c.type, JSON) else c.type) for c in t.columns]
    )


def _batches(items: Iterable[BulkLicence], size: int) -> Iterator[list[BulkLicence]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def bulk_import_licences(session: Session, *, items: Iterable[BulkLicence], batch: int = 2000) -> int:
    """Insert new licences with their first revision; returns how many. One transaction (the caller's)."""
    conn = session.connection()
    licences, revisions = _light(LicenceRecord), _light(LicenceRevision)
    actor = str(session.info.get("actor", "system"))
    total = 0
    for chunk in _batches(items, batch):
        numbers = [item.data["number"] for item in chunk]
        taken = list(
            conn.execute(select(LicenceRecord.number).where(LicenceRecord.number.in_(numbers))).scalars()
        )
        if taken or len(set(numbers)) != len(numbers):
            dupes = taken or sorted({n for n in numbers if numbers.count(n) > 1})
            raise ConflictError(
                f"许可证已存在或重复 / licences already stored or repeated: {', '.join(dupes[:5])}"
                + (" …" if len(dupes) > 5 else ""),
                field="number",
            )
        now = datetime.now(UTC)
        encoded = [json.dumps(item.data, ensure_ascii=False, separators=(",", ":")) for item in chunk]
        conn.execute(
            licences.insert(),
            [
                {
                    "number": item.data["number"],
                    "organisation_id": item.organisation_id,
                    "company": item.data["company"],
                    "issue_date": _day(item.data.get("issue_date")),
                    "expiry_date": _day(item.data.get("expiry_date")),
                    "current_revision": 1,
                    "data": text,
                    "archived": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for item, text in zip(chunk, encoded, strict=True)
            ],
        )
        ids = dict(
            conn.execute(
                select(LicenceRecord.number, LicenceRecord.id).where(LicenceRecord.number.in_(numbers))
            ).all()
        )
        digests = [sm3_hex(item.content) for item in chunk]
        conn.execute(
            revisions.insert(),
            [
                {
                    "licence_id": ids[item.data["number"]],
                    "revision": 1,
                    "source_name": item.source_name,
                    "media_type": item.media_type,
                    "content": item.content,
                    "sm3": digest,
                    "data": text,
                    "imported_at": now,
                    "imported_by": actor,
                }
                for item, text, digest in zip(chunk, encoded, digests, strict=True)
            ],
        )
        manifest = "\n".join(f"{n}:{d}" for n, d in zip(numbers, digests, strict=True)).encode("utf-8")
        first, last = min(ids.values()), max(ids.values())
        append(
            conn,
            actor=actor,
            changes=[
                Change(
                    entity="licences",
                    entity_id=f"{first}-{last}",
                    action="bulk_insert",
                    before=None,
                    after={
                        "count": len(chunk),
                        "first": numbers[0],
                        "last": numbers[-1],
                        "manifest_sm3": sm3_hex(manifest),
                    },
                )
            ],
        )
        total += len(chunk)
    return total
