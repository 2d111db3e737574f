"""The audit log as a Merkle tree: leaf i is SM3(0x00 ‖ hash of entry i+1), cached subtrees in the
database, tree heads and proofs without reading the whole log.

`audit_tree` holds two kinds of rows:

* level ≥ CACHED: the hash of every complete perfect subtree of 2^level leaves, written by the
  appender as blocks of 2^CACHED entries fill up, so a tree head or proof at a million entries reads a
  few dozen rows and one block of entry hashes;
* level 0: the entry hash of each *archived* entry, kept when the entry itself leaves the table, so the
  tree (and every old checkpoint) stays verifiable after archiving.

The cache is a convenience, not a source of truth: full verification recomputes every leaf from the
entries and names any cached node that disagrees.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    SmallInteger,
    String,
    and_,
    column,
    func,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from vats.model.errors import IntegrityError
from vats.model.merkle import LeafList, Nodes, leaf_hash, node_hash, subtree
from vats.store.base import Base

CACHED = 8
# The log's id and hash columns, named here rather than imported: the appender in store.auditlog
# maintains this tree, so the tree must not import the appender.
_LOG = table("audit_log", column("id"), column("hash"))
BLOCK = 1 << CACHED


class AuditNode(Base):
    __tablename__ = "audit_tree"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


def entry_hashes(conn: Connection, start: int, end: int) -> list[str]:
    """Entry hashes of leaves [start, end) (sequence numbers start+1 … end), archived ones included."""
    t = _LOG
    found = dict(conn.execute(select(t.c.id, t.c.hash).where(and_(t.c.id > start, t.c.id <= end))).all())
    if len(found) < end - start:
        n = AuditNode.__table__
        archived = conn.execute(
            select(n.c.idx, n.c.hash).where(n.c.level == 0, n.c.idx >= start, n.c.idx < end)
        ).all()
        found.update((int(i) + 1, h) for i, h in archived)
    missing = [seq for seq in range(start + 1, end + 1) if seq not in found]
    if missing:
        raise IntegrityError(
            f"审计记录缺失 / audit entry #{missing[0]} is missing from the log and its archive"
        )
    return [found[seq] for seq in range(start + 1, end + 1)]


def leaves(conn: Connection, start: int, end: int) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(h)) for h in entry_hashes(conn, start, end)]


_NODE = text("SELECT hash FROM audit_tree WHERE level = :level AND idx = :idx")


class StoredNodes(Nodes):
    """Perfect subtrees from the cache where it has them, else from the leaves (one query a block);
    answers are memoised, so a tree head and a proof made with one instance share their reads."""

    def __init__(self, conn: Connection, size: int | None = None) -> None:
        self.conn = conn
        self.size = _size(conn) if size is None else size
        self._blocks: dict[int, LeafList] = {}
        self._memo: dict[tuple[int, int], bytes] = {}

    def perfect(self, level: int, index: int) -> bytes:
        found = self._memo.get((level, index))
        if found is None:
            found = self._memo[(level, index)] = self._perfect(level, index)
        return found

    def _perfect(self, level: int, index: int) -> bytes:
        if level >= CACHED:
            row = self.conn.execute(_NODE, {"level": level, "idx": index}).scalar()
            if row is not None:
                return bytes.fromhex(row)
            half = level - 1
            return node_hash(self.perfect(half, 2 * index), self.perfect(half, 2 * index + 1))
        start = index << level
        block = start >> CACHED
        source = self._blocks.get(block)
        if source is None:
            lo, hi = block << CACHED, min((block + 1) << CACHED, self.size)
            source = self._blocks[block] = LeafList(leaves(self.conn, lo, hi))
        return source.perfect(level, (start - (block << CACHED)) >> level)


def _size(conn: Connection) -> int:
    return int(conn.execute(select(func.max(_LOG.c.id))).scalar() or 0)


def root(conn: Connection, size: int, nodes: StoredNodes | None = None) -> bytes:
    """MTH of the first `size` leaves, from the cache."""
    return subtree(nodes or StoredNodes(conn), 0, size)


def extend(conn: Connection, old_size: int, new_size: int, fresh: dict[int, str] | None = None) -> None:
    """Cache the perfect subtrees that entries old_size+1 … new_size completed (inside the append).

    `fresh` holds the hashes just appended (seq → hash), sparing a read of rows the caller has in hand."""
    rows: list[dict[str, Any]] = []
    known: dict[tuple[int, int], bytes] = {}
    for block in range(old_size >> CACHED, new_size >> CACHED):
        lo = block << CACHED
        if fresh and all(seq in fresh for seq in range(lo + 1, lo + BLOCK + 1)):
            hashes = [fresh[seq] for seq in range(lo + 1, lo + BLOCK + 1)]
        else:
            hashes = entry_hashes(conn, lo, lo + BLOCK)
        h = LeafList([leaf_hash(bytes.fromhex(x)) for x in hashes]).perfect(CACHED, 0)
        level, index = CACHED, block
        while True:
            known[(level, index)] = h
            rows.append({"level": level, "idx": index, "hash": h.hex()})
            if not index & 1:
                break
            sibling = known.get((level, index - 1))
            if sibling is None:
                sibling = _cached(conn, level, index - 1)
            h = node_hash(sibling, h)
            level, index = level + 1, index >> 1
    if rows:
        conn.execute(insert(AuditNode), rows)


def _cached(conn: Connection, level: int, index: int) -> bytes:
    found = conn.execute(
        select(AuditNode.hash).where(AuditNode.level == level, AuditNode.idx == index)
    ).scalar()
    if found is None:
        raise IntegrityError(f"审计树缓存缺失 / audit tree node ({level}, {index}) is missing")
    return bytes.fromhex(found)


def cached_nodes(conn: Connection) -> dict[tuple[int, int], str]:
    """Every cached perfect subtree (a few thousand rows at a million entries)."""
    rows = conn.execute(
        select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(AuditNode.level >= CACHED)
    )
    return {(int(level), int(idx)): h for level, idx, h in rows}


def archived_hashes(conn: Connection) -> list[str]:
    """Entry hashes of archived leaves in order (they are always a prefix of the log)."""
    rows = conn.execute(
        select(AuditNode.idx, AuditNode.hash).where(AuditNode.level == 0).order_by(AuditNode.idx)
    ).all()
    for expected, (idx, _h) in enumerate(rows):
        if idx != expected:
            raise IntegrityError(f"归档叶子缺失 / archived leaf {expected + 1} is missing")
    return [h for _i, h in rows]


def keep_archived(conn: Connection, hashes: dict[int, str]) -> None:
    """Record archived entries' hashes (seq → hash) as level-0 leaves before the entries leave."""
    if hashes:
        conn.execute(
            insert(AuditNode), [{"level": 0, "idx": seq - 1, "hash": h} for seq, h in sorted(hashes.items())]
        )
