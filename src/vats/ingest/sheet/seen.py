"""What a sheet has already shown (rows, numbers, organisations), in memory that does not grow with it.

Duplicate detection has to remember every distinct row, number and new organisation of a sheet, so
that state grows with the sheet. Up to `memory_entries` keys it lives in a dict; past that it moves to
a private temporary SQLite database on disk (the empty file name: SQLite deletes it when the
connection closes), with a small page cache, so a 50,000-row sheet costs the process no more memory
than a 5,000-row one.
"""

from __future__ import annotations

import sqlite3
from typing import Final

_NAMESPACES: Final = ("row", "number", "org", "code")
DEFAULT_MEMORY_ENTRIES = 4096  # keys kept in a dict before the store moves to disk
_CACHE_KIB: Final = 512
_CREATE: Final = "CREATE TABLE seen (ns TEXT, key TEXT, value TEXT NOT NULL, PRIMARY KEY (ns, key))"
_SELECT: Final = "SELECT value FROM seen WHERE ns = ? AND key = ?"
_UPSERT: Final = "INSERT OR REPLACE INTO seen (ns, key, value) VALUES (?, ?, ?)"


class SeenStore:
    """A string-keyed map of strings per namespace, spilling from a dict to a temporary file."""

    def __init__(self, *, memory_entries: int | None = None) -> None:
        self._memory: dict[tuple[str, str], str] | None = {}
        self._limit = DEFAULT_MEMORY_ENTRIES if memory_entries is None else memory_entries
        self._db: sqlite3.Connection | None = None

    def get(self, namespace: str, key: str) -> str | None:
        if self._memory is not None:
            return self._memory.get((namespace, key))
        assert self._db is not None
        found = self._db.execute(_SELECT, (namespace, key)).fetchone()
        return None if found is None else str(found[0])

    def put(self, namespace: str, key: str, value: str) -> None:
        """Set `key` (replacing an earlier value)."""
        if namespace not in _NAMESPACES:
            raise ValueError(f"unknown namespace {namespace!r}")
        if self._memory is not None:
            self._memory[(namespace, key)] = value
            if len(self._memory) > self._limit:
                self._spill()
            return
        assert self._db is not None
        self._db.execute(_UPSERT, (namespace, key, value))

    def setdefault(self, namespace: str, key: str, value: str) -> str:
        """The value already stored under `key`, or `value` after storing it."""
        found = self.get(namespace, key)
        if found is not None:
            return found
        self.put(namespace, key, value)
        return value

    @property
    def spilled(self) -> bool:
        return self._db is not None

    def _spill(self) -> None:
        db = sqlite3.connect("", isolation_level=None)
        db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(_CREATE)
        assert self._memory is not None
        db.execute("BEGIN")  # held open until close: nothing else reads this file, nothing is kept
        db.executemany(_UPSERT, ((n, k, v) for (n, k), v in self._memory.items()))
        self._memory = None
        self._db = db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._memory = {}

    def __enter__(self) -> SeenStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
