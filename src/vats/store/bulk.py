"""Bulk import of many NEW licences (a migration from another system, an agency's whole book).

`import_licence` is the everyday path: one ORM object per row, one audit entry per row. Loading
100,000 licences that way spends most of its time in per-object bookkeeping, so this path inserts
with executemany in batches, encodes each licence's JSON once (it is stored in both `licences.data`
and `licence_revisions.data`), and writes ONE audit entry per batch that names the id range, the
count and the SM3 digest of every (number, document digest) pair — the trail still proves exactly
what was loaded. Numbers that already exist are refused (`ConflictError`); use `import_licence` to
add a revision to an existing licence.

On PostgreSQL the rows go in with binary COPY on the session's own connection (so still inside the
caller's transaction): executemany sends one INSERT statement per row, and with COPY plus lz4 column
compression (migration 0006) a 10,000-licence batch loaded in 4.1–7.0 s against 7.2–15 s before on
the same busy machine (BENCHMARKS.md, issue 4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    Select,
    String,
    Table,
    any_,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import column
from sqlalchemy.sql import table as table_clause
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.types import TypeDecorator

from vats.model.clock import now_utc
from vats.model.errors import ConflictError
from vats.model.sm3 import sm3_hex
from vats.store.auditlog import Change, append
from vats.store.models import LicenceRecord, LicenceRevision
from vats.store.scope import scope_of


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


def _sqlite_column(type_: Any, values: list[Any]) -> list[Any] | None:
    """A column's values in the form SQLAlchemy would bind them on SQLite, for the plain types only
    (None: not a plain type, let SQLAlchemy bind it). One comprehension per column, not a function
    call per value: this runs over millions of values in a cold obligation-cache refresh."""
    if isinstance(type_, Boolean):
        return [None if v is None else int(bool(v)) for v in values]
    if isinstance(type_, DateTime):
        return None
    if isinstance(type_, Date):
        return [None if v is None else v.isoformat() for v in values]
    if isinstance(type_, (String, Integer)) and not isinstance(type_, TypeDecorator):
        return values
    return None


def _sqlite_executemany(conn: Connection, table: TableClause, rows: list[dict[str, Any]]) -> bool:
    """executemany straight on sqlite3 with rows already in its storage form; False when a column
    needs SQLAlchemy's own binding. Per-row parameter processing in SQLAlchemy costs more than
    SQLite's insert itself at hundreds of thousands of rows (the cold obligation cache)."""
    names = list(rows[0])
    columns = []
    for name in names:
        column = _sqlite_column(table.c[name].type, [row[name] for row in rows])
        if column is None:
            return False
        columns.append(column)
    raw = conn.connection.driver_connection
    assert raw is not None  # a checked-out connection always has its driver connection
    quoted = ", ".join(f'"{c}"' for c in names)
    raw.executemany(
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})',
        zip(*columns, strict=True),
    )
    return True


def insert_rows(conn: Connection, table: TableClause, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys): binary COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name == "sqlite" and _sqlite_executemany(conn, table, rows):
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    types: dict[str, str] = dict(
        conn.execute(
            text(
                "SELECT column_name, udt_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = :t"
            ),
            {"t": table.name},
        ).all()
    )
    raw = conn.connection.driver_connection
    assert raw is not None  # a checked-out connection always has its driver connection
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        # json's binary wire format is its text: send the pre-encoded JSON as text, not re-dumped
        copy.set_types(["text" if types[c] == "json" else types[c] for c in columns])
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _batches(items: Iterable[BulkLicence], size: int) -> Iterator[list[BulkLicence]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _numbered(conn: Connection, numbers: list[str]) -> Select[str, int]:
    """(number, id) of the stored licences among `numbers`. On PostgreSQL one array parameter
    (`= ANY`): an IN list of a whole batch means thousands of placeholders for the driver to parse."""
    number = LicenceRecord.__table__.c.number
    query = select(number, LicenceRecord.__table__.c.id)
    if conn.dialect.name == "postgresql":
        return query.where(number == any_(literal(numbers, ARRAY(String))))
    return query.where(number.in_(numbers))


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def bulk_import_licences(session: Session, *, items: Iterable[BulkLicence], batch: int = 2000) -> int:
    """Insert new licences with their first revision; returns how many. One transaction (the caller's)."""
    conn = session.connection()
    licences, revisions = _light(LicenceRecord), _light(LicenceRevision)
    actor = scope_of(session).actor
    total = 0
    for chunk in _batches(items, batch):
        numbers = [item.data["number"] for item in chunk]
        taken = list(conn.execute(_numbered(conn, numbers)).scalars())
        if taken or len(set(numbers)) != len(numbers):
            dupes = taken or sorted({n for n in numbers if numbers.count(n) > 1})
            raise ConflictError(
                f"许可证已存在或重复 / licences already stored or repeated: {', '.join(dupes[:5])}"
                + (" …" if len(dupes) > 5 else ""),
                field="number",
            )
        now = now_utc()
        encoded = [json.dumps(item.data, ensure_ascii=False, separators=(",", ":")) for item in chunk]
        insert_rows(
            conn,
            licences,
            [
                {
                    "number": item.data["number"],
                    "organisation_id": item.organisation_id,
                    "company": item.data["company"],
                    "issue_date": _day(item.data.get("issue_date")),
                    "expiry_date": _day(item.data.get("expiry_date")),
                    "current_revision": 1,
                    "data": doc,
                    "archived": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for item, doc in zip(chunk, encoded, strict=True)
            ],
        )
        ids: dict[str, int] = {number: id_ for number, id_ in conn.execute(_numbered(conn, numbers))}
        digests = [sm3_hex(item.content) for item in chunk]
        insert_rows(
            conn,
            revisions,
            [
                {
                    "licence_id": ids[item.data["number"]],
                    "revision": 1,
                    "source_name": item.source_name,
                    "media_type": item.media_type,
                    "content": item.content,
                    "sm3": digest,
                    "data": doc,
                    "imported_at": now,
                    "imported_by": actor,
                }
                for item, doc, digest in zip(chunk, encoded, digests, strict=True)
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
