"""The audit log table, its SM3 hash chain, and verification.

Each row's `hash` = SM3(`prev_hash` + canonical JSON of the row's content), where the content includes
the row's sequence number (`id`), so an altered, deleted or reordered row breaks the chain at that row
and `verify` names it. Sequence numbers are assigned by the appender (head + 1), never by the database,
and appends are serialised so two writers can never both extend the same head (a forked chain):

* PostgreSQL: `pg_advisory_xact_lock(AUDIT_LOCK_KEY)` held until the transaction ends;
* SQLite: the appending transaction has already written the audited rows, so it holds SQLite's single
  write lock (the effect of BEGIN IMMEDIATE) until commit; no other writer can append in between.

Archival (`archive`) removes entries past their retention period from the table but appends an
`archive` entry recording how many rows left and the hash of the last one, so the remaining chain
still verifies from a known anchor.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    DateTime,
    Integer,
    Select,
    String,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from vats.model.auditentry import GENESIS, canonical, chain_hash, content_of, utc_text
from vats.model.clock import now_utc
from vats.model.clock import today as clock_today
from vats.model.errors import RefusedError
from vats.model.sm3 import sm3_hash
from vats.store import audittree
from vats.store.base import Base
from vats.store.scope import scope_of

AUDIT_LOCK_KEY = 0x7A75_4154  # arbitrary constant: "vats audit" advisory lock id


class AuditEntry(Base):
    """One logged change. `id` is the position in the chain (1, 2, 3 …), not a surrogate key."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: organisation of the entity the entry touches (None: accounts, bulk runs, archive markers). It
    #: scopes who may read the entry; it is derived from the entity, so it stays outside the hash.
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)


def _refuse(_mapper: Any, _conn: Any, _target: Any) -> None:
    raise RefusedError(
        "审计日志只能追加 / the audit log is append-only (use `vats auditlog archive` past retention)",
        field="audit_log",
    )


event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)


@dataclass(frozen=True, slots=True)
class Change:
    """What the flush hook (or an explicit service) asks to be logged."""

    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    organisation_id: int | None = None


def _lock(conn: Connection) -> None:
    """Serialise appenders (see module docstring); a no-op where the write lock is already held."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def head(conn: Connection) -> tuple[int, str]:
    """(last sequence number, its hash), or (0, GENESIS) for an empty log."""
    row = conn.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def append(conn: Connection, *, actor: str, changes: Sequence[Change]) -> int:
    """Append `changes` to the chain inside the caller's transaction; returns the new head sequence."""
    _lock(conn)
    seq, prev = head(conn)
    start = seq
    now = now_utc()
    rows: list[dict[str, Any]] = []
    for change in changes:
        seq += 1
        row: dict[str, Any] = {
            "id": seq,
            "at": now,
            "actor": actor,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "action": change.action,
            "before": sorted_keys(change.before),
            "after": sorted_keys(change.after),
            "prev_hash": prev,
            "organisation_id": change.organisation_id,
        }
        row["hash"] = prev = chain_hash(prev, content_of(row))
        rows.append(row)
    conn.execute(insert(AuditEntry), rows)
    audittree.extend(conn, start, seq, {r["id"]: r["hash"] for r in rows})
    return seq


def sorted_keys(value: Any) -> Any:
    """`value` with every mapping's keys in sorted order, so the stored JSON text of an image is its
    canonical form and verification can hash it as stored (see `verify`)."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of re-computing the chain and the tree. `broken_at` is the first bad entry; `root` is
    the Merkle root of all `size` leaves (archived ones included), `prefix_root` the root of the
    first `prefix` leaves when one was asked for (a checkpoint's size)."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str | None = None
    root: str = ""
    prefix_root: str | None = None

    def describe(self) -> str:
        if self.ok:
            return (
                f"审计链完整：{self.entries} 条，链头 #{self.head_seq} {self.head_hash}，树根 {self.root} / "
                f"audit chain intact: {self.entries} entries, head #{self.head_seq} {self.head_hash}, "
                f"tree root {self.root}"
            )
        return (
            f"审计链在第 #{self.broken_at} 条断裂 / audit chain broken at entry #{self.broken_at}: "
            f"{self.reason}"
        )


def _iter_rows(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Stream the log in sequence order by keyset pages of decoded rows (flat memory, and the caller's
    session identity map is left alone)."""
    t = AuditEntry.__table__
    last = None
    while True:
        query = select(t).order_by(t.c.id).limit(batch)
        if last is not None:
            query = query.where(t.c.id > last)
        page = session.execute(query).all()
        if not page:
            return
        yield from page
        last = page[-1].id


def _decoded(session: Session, seq: int) -> dict[str, Any]:
    """One entry as decoded column values (the exact, slow path)."""
    t = AuditEntry.__table__
    return dict(session.execute(select(t).where(t.c.id == seq)).one()._mapping)


def verify(session: Session, *, prefix: int | None = None, page_size: int | None = None) -> VerifyResult:
    """Re-compute every entry hash and the Merkle tree; report the first entry whose content,
    position or link is wrong, or a cached tree node that disagrees with the entries.

    The database assembles each entry's hashed bytes (`auditscan`). A page whose sequence, links
    and hashes all agree is checked in bulk: its hashes compared as one joined string, its leaves
    hashed and reduced without an interpreter step per entry. Any other page (the first after
    archived leaves, one holding an `archive` entry or the checkpoint's size, or one that disagrees
    anywhere) is checked row by row, which names the exact entry; there, a row whose
    assembled bytes miss its hash is decoded and re-serialised, so rows stored in another key order
    still verify. `page_size` is how many sequence numbers one read covers (tests make it small to
    cross page boundaries)."""
    from vats.model.merkle import BlockBuilder, leaf_hash, leaf_hashes
    from vats.store.auditscan import Scan

    conn = session.connection()
    cached = audittree.cached_nodes(conn)
    bad_node: list[tuple[int, int]] = []

    def check(level: int, index: int, h: bytes) -> None:
        if level >= audittree.CACHED and cached.get((level, index), h.hex()) != h.hex() and not bad_node:
            bad_node.append((level, index))

    tree = BlockBuilder(audittree.CACHED, check)
    prefix_root = tree.root().hex() if prefix == 0 else None
    archived = audittree.archived_hashes(conn)
    for h in archived:
        tree.add(leaf_hash(bytes.fromhex(h)))
        if tree.size == prefix:
            prefix_root = tree.root().hex()
    expected_seq: int | None = None
    prev = archived[-1] if archived else GENESIS
    count = 0
    last_hash = prev
    anchor: tuple[int, str] | None = None

    def step(seq: int, prev_hash: str, hash_: str, action: str, message: bytes) -> VerifyResult | None:
        """The exact check of one entry (None: it holds)."""
        nonlocal expected_seq, prev, count, last_hash, anchor, prefix_root
        count += 1
        if expected_seq is None:
            # The first remaining entry: 1 on an unarchived log, else it must follow an archived
            # range, whose last hash an `archive` entry later in the chain vouches for (below).
            expected_seq = seq
            if seq != len(archived) + 1 and archived:
                return _broken(count, seq, f"archived leaves end at #{len(archived)}, log resumes at #{seq}")
            if not archived:
                prev = prev_hash if seq != 1 else GENESIS
            anchor = (seq, prev_hash) if seq != 1 else None
        if seq != expected_seq:
            return _broken(count, seq, f"sequence gap: expected #{expected_seq} (entry missing or moved)")
        if prev_hash != prev:
            return _broken(count, seq, "prev_hash does not match the previous entry (deleted or reordered)")
        digest = sm3_hash(bytes(message))
        if digest.hex() != hash_:
            row = _decoded(session, seq)
            if chain_hash(prev, content_of(row)) != hash_:
                return _broken(count, seq, "content does not match its hash (entry altered)")
            digest = bytes.fromhex(hash_)
        if anchor is not None and action == "archive" and _vouches(_decoded(session, seq)["after"], anchor):
            anchor = None
        tree.add(sm3_hash(b"\x00" + digest))
        if seq == prefix:
            prefix_root = tree.root().hex()
        prev = last_hash = hash_
        expected_seq += 1
        return None

    scan = Scan(conn) if page_size is None else Scan(conn, batch=page_size)
    try:
        for page in scan.pages():
            if expected_seq is None and not archived and page.lo == 0:
                expected_seq = 1  # an unarchived log starts at #1 after the genesis link
            if _whole(page, expected_seq, prev, prefix):
                digests = list(map(sm3_hash, page.messages))
                if b"".join(digests).hex() == page.hashes:
                    tree.extend(leaf_hashes(digests))
                    count += page.count
                    expected_seq = page.hi + 1
                    prev = last_hash = page.hashes[-64:]
                    continue
            if page.lo == 0 and expected_seq == 1 and count == 0:
                expected_seq = None  # the row-by-row path starts the chain itself
            for row in scan.rows(page):
                broken = step(*row)
                if broken is not None:
                    return broken
    finally:
        scan.close()
    if count != scan.total:
        return _broken(
            count, count + 1, "a sequence number is not a whole number (or the log changed in between)"
        )
    if anchor is not None:
        return _broken(count, anchor[0], "log starts mid-chain with no archive entry vouching for the gap")
    if bad_node:
        level, index = bad_node[0]
        first = (index << level) + 1
        return _broken(count, first, f"cached tree node ({level}, {index}) disagrees with the entries")
    size = tree.size
    if any(level >= audittree.CACHED and (index + 1) << level > size for level, index in cached):
        return _broken(count, size + 1, "the tree cache covers entries beyond the head (log truncated)")
    return VerifyResult(
        ok=True,
        entries=count,
        head_seq=(expected_seq or len(archived) + 1) - 1,
        head_hash=last_hash,
        root=tree.root().hex(),
        prefix_root=prefix_root,
    )


def _whole(page: Any, expected_seq: int | None, prev: str, prefix: int | None) -> bool:
    """Whether `page` can be checked whole: it continues the chain where the previous page ended,
    holds every sequence number of its range in order, links each entry to the one before, and has
    nothing that needs the exact path (an `archive` entry, which may vouch for archived leaves, or
    the checkpoint's size)."""
    return (
        page.count > 0
        and expected_seq == page.lo + 1
        and not page.archives
        and not (prefix is not None and page.lo < prefix <= page.hi)
        and len(page.messages) == page.count
        and page.in_order()
        and page.links == prev + page.hashes[:-64]
    )


def _vouches(after: dict[str, Any] | None, anchor: tuple[int, str]) -> bool:
    """Whether an `archive` entry records the archived range that ends right before `anchor`."""
    return bool(after) and after.get("last_seq") == anchor[0] - 1 and after.get("last_hash") == anchor[1]  # type: ignore[union-attr]


def _broken(count: int, seq: int, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, entries=count, head_seq=seq, head_hash="", broken_at=seq, reason=reason)


def readable(query: Select[Any], organisations: Collection[int] | None) -> Select[Any]:
    """`query` over audit entries limited to what a reader granted `organisations` may see (None: an
    admin, every entry). Entries touching no organisation (user accounts, bulk runs) are admin-only."""
    if organisations is None:
        return query
    return query.where(AuditEntry.organisation_id.in_(sorted(organisations)))


def list_entries(
    session: Session, *, entity: str | None = None, entity_id: str | None = None, limit: int = 50
) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(session.scalars(query))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    archived: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    path: str


def archive(session: Session, *, before: datetime, path: str, today: date | None = None) -> ArchiveResult:
    """Move entries older than `before` to a JSON-lines file and out of the table, logging the move.

    Refused when `before` reaches into the retention period (the rule is named). The chain stays
    verifiable: the appended `archive` entry records the last archived sequence number and hash,
    which is the anchor `verify` expects the first remaining entry to link to. Verification of the
    whole chain runs first, so a tampered log is never archived (and the evidence never lost).
    """
    from vats.model.errors import IntegrityError
    from vats.store.retention import retention_for

    rule = retention_for("audit_log")
    today = today or clock_today()
    if rule is not None and before.date() > (latest := _minus(rule, today)):
        raise RefusedError(
            f"{latest} 之后的审计记录仍在保存期内 / audit entries after {latest} are inside their "
            f"retention period: {rule.describe()}",
            field="--before",
        )
    result = verify(session)
    if not result.ok:
        raise IntegrityError(result.describe())
    first = last = None
    last_hash = None
    n = 0
    kept: dict[int, str] = {}
    with Path(path).open("w", encoding="utf-8") as out:
        for row in _iter_rows(session):
            if utc_text(row.at) >= utc_text(before):
                break
            out.write(canonical(_row_dict(row)) + "\n")
            first = row.id if first is None else first
            last, last_hash, n = row.id, row.hash, n + 1
            kept[row.id] = row.hash
    if n == 0:
        return ArchiveResult(0, None, None, None, path)
    from vats.store.audittree import keep_archived

    keep_archived(session.connection(), kept)
    session.execute(delete(AuditEntry).where(AuditEntry.id <= last))
    append(
        session.connection(),
        actor=scope_of(session).actor,
        changes=[
            Change(
                entity="audit_log",
                entity_id=f"{first}-{last}",
                action="archive",
                before=None,
                after={
                    "first_seq": first,
                    "last_seq": last,
                    "last_hash": last_hash,
                    "count": n,
                    "file": path,
                },
            )
        ],
    )
    return ArchiveResult(n, first, last, last_hash, path)


def _minus(rule: Any, today: date) -> date:
    """The latest day whose entries are past retention (today minus the period)."""
    probe = today
    while rule.until(probe) > today:
        probe -= timedelta(days=1)
    return probe


def _row_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": utc_text(row.at),
        "actor": row.actor,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "action": row.action,
        "before": row.before,
        "after": row.after,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }
