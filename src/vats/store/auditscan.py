"""The fast read of the audit log for verification: the database assembles each entry's hashed bytes.

Verifying a million entries is dominated by the work around SM3, not by SM3 itself. Images are stored as
their canonical JSON text (`auditlog.sorted_keys`), so the exact bytes an entry's hash covers —
`prev_hash` ‖ canonical JSON of (action, actor, after, at, before, entity, entity_id, seq) — can be
concatenated by the database from the stored columns, and Python only hashes and compares.

Short text columns are quoted as they are on SQLite (PostgreSQL's `to_json` quotes them exactly), which
is their JSON form unless they hold a quote, backslash or control character; in that case, or where a
row was stored before images were key-sorted, the assembled bytes simply miss the hash and the caller
re-checks that one row the slow, exact way. A miss therefore costs time, never a wrong verdict.

Pages are read whole by one aggregate query per range of sequence numbers: the ids, links and hashes
each come back as one joined string and the hashed bytes as one newline-separated blob (canonical JSON
never holds a raw newline). One aggregate is one step of the database, which the driver runs without
the interpreter lock, so a helper thread reads the next page while the caller hashes the current one;
a query returning one Python row per entry would need the lock back after every row and wait behind
the hashing instead. Nothing is trusted from the aggregate: the caller checks the ids, the count and
every hash, and reads a page that disagrees anywhere again row by row (`rows`).
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection

_SQLITE_BYTES = (
    'printf(\'%s{"action":"%s","actor":"%s","after":%s,"at":"%.10sT%s+00:00","before":%s,"entity":"%s",'
    '"entity_id":"%s","seq":%d}\', prev_hash, action, actor, COALESCE(after, \'null\'), '
    "at, substr(at, 12), COALESCE(before, 'null'), entity, entity_id, id)"
)
_POSTGRES_BYTES = (
    "prev_hash || '{\"action\":' || to_json(action)::text "
    "|| ',\"actor\":' || to_json(actor)::text || ',\"after\":' || COALESCE(after::text, 'null') "
    "|| ',\"at\":\"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
    "|| '+00:00\",\"before\":' || COALESCE(before::text, 'null') "
    "|| ',\"entity\":' || to_json(entity)::text || ',\"entity_id\":' || to_json(entity_id)::text "
    "|| ',\"seq\":' || id || '}'"
)
# The order of an aggregate's input is whatever the database visits; the ids joined in the same
# aggregate show it (as offsets from the page's start, so that every full page must read the same
# text), and the caller accepts a page only when they are lo+1 … hi in order.
_SQLITE_PAGE = (
    "SELECT count(*), group_concat(id - ?, ','), group_concat(prev_hash, ''), group_concat(hash, ''), "
    f"total(action = 'archive'), CAST(group_concat({_SQLITE_BYTES}, char(10)) AS BLOB) "
    "FROM audit_log WHERE id > ? AND id <= ?"
)
_POSTGRES_PAGE = (
    "SELECT count(*), string_agg((id - %s)::text, ',' ORDER BY id), string_agg(prev_hash, '' ORDER BY id), "
    "string_agg(hash, '' ORDER BY id), count(*) FILTER (WHERE action = 'archive'), "
    f"convert_to(string_agg({_POSTGRES_BYTES}, E'\\n' ORDER BY id), 'UTF8') "
    "FROM audit_log WHERE id > %s AND id <= %s"
)
_SQLITE_ROWS = (
    f"SELECT id, prev_hash, hash, action, CAST({_SQLITE_BYTES} AS BLOB) FROM audit_log "
    "WHERE id > ? AND id <= ? ORDER BY id"
)
_POSTGRES_ROWS = (
    f"SELECT id, prev_hash, hash, action, convert_to({_POSTGRES_BYTES}, 'UTF8') FROM audit_log "
    "WHERE id > %s AND id <= %s ORDER BY id"
)
# Bounds of the whole-number ids, and how many rows there are in all: a row outside them (an id that
# is no whole number, which SQLite would store) is not in any page, and the caller notices the count.
_SQLITE_BOUNDS = (
    "SELECT (SELECT min(id) FROM audit_log WHERE typeof(id) = 'integer'), "
    "(SELECT max(id) FROM audit_log WHERE typeof(id) = 'integer'), (SELECT count(*) FROM audit_log)"
)
_POSTGRES_BOUNDS = "SELECT min(id), max(id), count(*) FROM audit_log"
_MMAP = 1 << 32  # SQLite caps it at its compile-time maximum


@functools.lru_cache(maxsize=4)
def _offsets(n: int) -> str:
    """'1,2,…,n': what a full page's ids less its start read."""
    return ",".join(map(str, range(1, n + 1)))


@dataclass(frozen=True, slots=True)
class Page:
    """The entries with lo < id ≤ hi, as the database joined them (see the module docstring)."""

    lo: int
    hi: int
    count: int
    #: the ids less `lo`, comma-joined in the order of the other columns
    ids: str
    links: str
    hashes: str
    archives: int
    messages: list[bytes]

    def in_order(self) -> bool:
        """Whether the page holds exactly the ids lo+1 … hi, joined in that order."""
        return self.count == self.hi - self.lo and self.ids == _offsets(self.count)


class Scan:
    """Reads pages of `batch` sequence numbers on a helper thread, one page ahead of the caller.

    A page is small enough that its blob and its messages stay in the processor's cache between the
    split and the hashing, and that the hashing of one page (a loop in C that holds the interpreter
    lock throughout) keeps the reader waiting for the lock only briefly.

    The caller's connection is used by nothing else meanwhile; `rows` (the exact re-read of one page)
    takes the same lock as the reader, so the two never use the driver at once."""

    def __init__(self, conn: Connection, batch: int = 8192) -> None:
        postgres = conn.dialect.name == "postgresql"
        self._page_sql = _POSTGRES_PAGE if postgres else _SQLITE_PAGE
        self._rows_sql = _POSTGRES_ROWS if postgres else _SQLITE_ROWS
        self._cursor: Any = cast(Any, conn.connection.dbapi_connection).cursor()
        self._lock = threading.Lock()
        self.batch = batch
        self._mmap: int | None = None
        with self._lock:
            if not postgres:
                # Reading the file through a memory map spares a system call and a copy per page.
                self._cursor.execute("PRAGMA mmap_size")
                (mmap,) = self._cursor.fetchone()
                self._mmap = int(mmap)
                self._cursor.execute(f"PRAGMA mmap_size = {_MMAP}")
            self._cursor.execute(_POSTGRES_BOUNDS if postgres else _SQLITE_BOUNDS)
            low, high, total = self._cursor.fetchone()
        self.total = int(total)
        self.first = 0 if low is None else int(low)
        self.last = -1 if high is None else int(high)

    def rows(self, page: Page) -> list[Any]:
        """(seq, prev_hash, hash, action, hashed bytes) of each entry of `page`, in sequence order."""
        with self._lock:
            self._cursor.execute(self._rows_sql, (page.lo, page.hi))
            return list(self._cursor.fetchall())

    def _read(self, lo: int) -> Page:
        hi = min(lo + self.batch, self.last)
        with self._lock:
            self._cursor.execute(self._page_sql, (lo, lo, hi))
            count, ids, links, hashes, archives, blob = self._cursor.fetchone()
        messages = bytes(blob).split(b"\n") if count else []
        return Page(lo, hi, int(count), ids or "", links or "", hashes or "", int(archives or 0), messages)

    def pages(self) -> Iterator[Page]:
        """Every page from the lowest id to the highest, in order."""
        pages: queue.Queue[Page | BaseException | None] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def read() -> None:
            try:
                lo = self.first - 1
                while lo < self.last and not stop.is_set():
                    page = self._read(lo)
                    pages.put(page)
                    lo = page.hi
                pages.put(None)
            except BaseException as exc:  # handed to the caller, raised there
                pages.put(exc)

        reader = threading.Thread(target=read, name="auditscan", daemon=True)
        reader.start()
        try:
            while True:
                page = pages.get()
                if isinstance(page, BaseException):
                    raise page
                if page is None:
                    return
                yield page
        finally:
            stop.set()
            while reader.is_alive():  # unblock a reader waiting to hand over a page
                with contextlib.suppress(queue.Empty):
                    pages.get(timeout=0.05)
            reader.join()

    def close(self) -> None:
        if self._mmap is not None:
            self._cursor.execute(f"PRAGMA mmap_size = {self._mmap}")
        self._cursor.close()
