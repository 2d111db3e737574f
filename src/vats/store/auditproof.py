"""Signed tree heads of the audit log, consistency with an earlier head, and inclusion proofs.

These read the tree cache (`audittree`), so a head or a proof at a million entries costs a few dozen
rows; `check_checkpoint` additionally recomputes the whole log (`auditlog.verify`), because a cache
is only as good as the entries it was built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vats.model import checkpoint as cpm
from vats.model import keyring
from vats.model.auditentry import utc_text
from vats.model.clock import now_utc
from vats.model.errors import InputError, NotFoundError
from vats.model.merkle import consistency_proof, inclusion_proof, verify_consistency
from vats.store import audittree
from vats.store.auditlog import AuditEntry, head


def tree_head(session: Session) -> cpm.Checkpoint:
    """The current (size, root, time), unsigned."""
    conn = session.connection()
    size = head(conn)[0]
    return cpm.Checkpoint(size, audittree.root(conn, size), now_utc().isoformat(timespec="seconds"))


def make_checkpoint(session: Session, *, ring: keyring.Keyring) -> cpm.Checkpoint:
    """A signed tree head of the log as it is now."""
    return cpm.sign(tree_head(session), ring)


@dataclass(frozen=True, slots=True)
class CheckpointCheck:
    ok: bool
    size: int
    checkpoint_size: int
    reason: str | None = None
    proof: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.ok:
            return (
                f"日志是检查点（{self.checkpoint_size} 条）的只追加延续，现有 {self.size} 条 / "
                f"the log is an append-only extension of the checkpoint ({self.checkpoint_size} → "
                f"{self.size} entries)"
            )
        return f"检查点不符 / checkpoint check failed: {self.reason}"


def check_checkpoint(
    session: Session, cp: cpm.Checkpoint, *, keys: Sequence[keyring.PublicKey]
) -> CheckpointCheck:
    """Whether `cp` is ours and the current log extends it: signature, full recomputation of the
    log, then a consistency proof from the cache checked against both roots."""
    from vats.store.auditlog import verify

    def failed(reason: str, size: int = 0) -> CheckpointCheck:
        return CheckpointCheck(False, size, cp.size, reason)

    if (problem := cpm.signature_problem(cp, keys)) is not None:
        return failed(problem)
    result = verify(session, prefix=cp.size)
    if not result.ok:
        return failed(result.describe())
    size = result.head_seq
    if size < cp.size:
        return failed(f"the log has {size} entries, fewer than the checkpoint's {cp.size} (truncated)", size)
    if result.prefix_root != cp.root.hex():
        return failed(
            f"the first {cp.size} entries no longer hash to the checkpoint's root (rewritten)", size
        )
    proof = consistency_proof(audittree.StoredNodes(session.connection()), cp.size, size)
    if not verify_consistency(cp.size, size, cp.root, bytes.fromhex(result.root), proof):
        return failed("the consistency proof from the tree cache does not hold", size)
    return CheckpointCheck(True, size, cp.size, None, tuple(p.hex() for p in proof))


def prove(
    session: Session, *, seq: int, ring: keyring.Keyring, under: cpm.Checkpoint | None = None
) -> dict[str, Any]:
    """An inclusion proof for entry `seq` under a fresh signed head, or under the checkpoint `under`
    an auditor already holds: verifiable offline with the public key, sharing that one entry and a
    few hashes."""
    conn = session.connection()
    size = head(conn)[0] if under is None else under.size
    if under is not None and under.size > head(conn)[0]:
        raise InputError("检查点比当前日志更长 / the checkpoint is longer than the log", field="--checkpoint")
    if not 1 <= seq <= size:
        raise NotFoundError(f"没有第 {seq} 条审计记录 / no audit entry #{seq}", field="entry")
    row = session.get(AuditEntry, seq)
    if row is None:
        raise InputError(f"第 {seq} 条已归档 / audit entry #{seq} is archived", field="entry")
    nodes = audittree.StoredNodes(conn)
    cp = under or cpm.sign(
        cpm.Checkpoint(size, audittree.root(conn, size, nodes), now_utc().isoformat(timespec="seconds")), ring
    )
    entry = {
        "id": row.id,
        "at": utc_text(row.at),
        "actor": row.actor,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "action": row.action,
        "before": row.before,
        "after": row.after,
        "prev_hash": row.prev_hash,
    }
    return cpm.inclusion_document(
        cp, seq=seq, entry_hash=row.hash, proof=inclusion_proof(nodes, seq - 1, size), entry=entry
    )
