"""The fast read of the audit log for verification: the database assembles each entry's hashed bytes.

Verifying a million entries is dominated by the work around SM3, not by SM3 itself. Images are stored as
their canonical JSON text (`auditlog.sorted_keys`), so the exact bytes an entry's hash covers —
`prev_hash` ‖ canonical JSON of (action, actor, after, at, before, entity, entity_id, seq) — can be
concatenated by the database from the stored columns, and Python only hashes and compares.

Short text columns are quoted as they are on SQLite (PostgreSQL's `to_json` quotes them exactly), which
is their JSON form unless they hold a quote, backslash or control character; in that case, or where a
row was stored before images were key-sorted, the assembled bytes simply miss the hash and the caller
re-checks that one row the slow, exact way. A miss therefore costs time, never a wrong verdict.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

# One printf per row: a chain of `||` copies the growing text at every step, which cost SQLite
# about as much as the SM3 of the result.
_SQLITE = (
    'SELECT id, prev_hash, hash, action, CAST(printf(\'%s{"action":"%s","actor":"%s",'
    '"after":%s,"at":"%sT%s+00:00","before":%s,"entity":"%s","entity_id":"%s",'
    "\"seq\":%d}', prev_hash, action, actor, COALESCE(after, 'null'), substr(at, 1, 10), "
    "substr(at, 12), COALESCE(before, 'null'), entity, entity_id, id) AS BLOB) "
    "FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"
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
    driver's cursor inside the caller's transaction.

    The next page is read by a helper thread while the caller hashes the current one: the driver
    leaves the interpreter lock while the database assembles rows, so on a machine with a second
    core the reading and the hashing overlap instead of adding up. The caller's connection is not
    used by anything else meanwhile (it is inside this loop)."""
    sql = _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    pages: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            last = -1
            while not stop.is_set():
                cursor.execute(sql, (last, batch))
                page = cursor.fetchall()
                pages.put(page)
                if not page:
                    return
                last = page[-1][0]
        except BaseException as exc:  # handed to the caller, raised there
            pages.put(exc)

    reader = threading.Thread(target=read, name="auditscan", daemon=True)
    reader.start()
    try:
        while True:
            page = pages.get()
            if isinstance(page, BaseException):
                raise page
            if not page:
                return
            yield page
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting to hand over a page
            with contextlib.suppress(queue.Empty):
                pages.get(timeout=0.05)
        reader.join()
        cursor.close()
