"""The fast read of the audit log for verification: the database assembles each entry's hashed bytes.

Verifying a million entries is dominated by per-row Python work, not by SM3. Images are stored as
their canonical JSON text (`auditlog.sorted_keys`), so the exact bytes an entry's hash covers —
`prev_hash` ‖ canonical JSON of (action, actor, after, at, before, entity, entity_id, seq) — can be
concatenated by the database from the stored columns, and Python only hashes and compares.

Short text columns are quoted as they are on SQLite (PostgreSQL's `to_json` quotes them exactly), which
is their JSON form unless they hold a quote, backslash or control character; in that case, or where a
row was stored before images were key-sorted, the assembled bytes simply miss the hash and the caller
re-checks that one row the slow, exact way. A miss therefore costs time, never a wrong verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

_SQLITE = (
    'SELECT id, prev_hash, hash, action, CAST(prev_hash || \'{"action":"\' || action '
    '|| \'","actor":"\' || actor || \'","after":\' || COALESCE(after, \'null\') '
    "|| ',\"at\":\"' || substr(at, 1, 10) || 'T' || substr(at, 12) || '+00:00\",\"before\":' "
    '|| COALESCE(before, \'null\') || \',"entity":"\' || entity || \'","entity_id":"\' || entity_id '
    "|| '\",\"seq\":' || id || '}' AS BLOB) FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"
)
_POSTGRES = (
    "SELECT id, prev_hash, hash, action, convert_to(prev_hash || '{\"action\":' || to_json(action)::text "
    "|| ',\"actor\":' || to_json(actor)::text || ',\"after\":' || COALESCE(after::text, 'null') "
    "|| ',\"at\":\"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
    "|| '+00:00\",\"before\":' || COALESCE(before::text, 'null') "
    "|| ',\"entity\":' || to_json(entity)::text || ',\"entity_id\":' || to_json(entity_id)::text "
    "|| ',\"seq\":' || id || '}', 'UTF8') FROM audit_log WHERE id > %s ORDER BY id LIMIT %s"
)


def hashed_bytes(conn: Connection, batch: int = 50_000) -> Iterator[Any]:
    """Pages of (seq, prev_hash, hash, action, hashed bytes) in sequence order, straight from the
    driver's cursor inside the caller's transaction."""
    sql = _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        last = -1
        while True:
            cursor.execute(sql, (last, batch))
            page = cursor.fetchall()
            if not page:
                return
            yield page
            last = page[-1][0]
    finally:
        cursor.close()
