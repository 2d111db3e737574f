"""The tamper suite, on SQLite and PostgreSQL: every way of altering the log or the audited tables
behind vats's back is detected — by the chain, by replaying the log against the rows, by the tree
cache, or by a checkpoint signed with our key and kept outside the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from vats.model import checkpoint as cpm
from vats.model.keyring import Keyring
from vats.model.merkle import leaf_hash, verify_inclusion
from vats.store.auditlog import AuditEntry, VerifyResult, verify
from vats.store.auditproof import check_checkpoint, make_checkpoint, prove, tree_head
from vats.store.auditrows import mismatches
from vats.store.audittree import BLOCK, extend
from vats.store.db import session_scope
from vats.store.organisations import add_organisation

N = BLOCK + 20  # one full cached block and a partial one


@pytest.fixture
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "passphrase for tests")
    monkeypatch.delenv("VATS_KEY_FILE", raising=False)
    return Keyring(tmp_path / "keys")


@pytest.fixture
def log(engine: Engine) -> Engine:
    with session_scope(engine, actor="alice") as s:
        for i in range(N):
            add_organisation(s, name=f"公司{i:04d}", region="CQ")
    return engine


def _verify(engine: Engine, *, page_size: int | None = None, prefix: int | None = None) -> VerifyResult:
    with session_scope(engine, actor="t") as s:
        return verify(s, page_size=page_size, prefix=prefix)


def _rows(engine: Engine) -> list[Any]:
    with session_scope(engine, actor="t") as s:
        return list(mismatches(s))


def _sql(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _rewrite(engine: Engine, change: Callable[[dict[str, Any]], None]) -> None:
    """What an attacker with database access and the (public) hashing rules can do: alter entries,
    re-hash the whole chain and rebuild the tree cache, leaving a self-consistent forgery."""
    from vats.model.auditentry import GENESIS, chain_hash, content_of

    with session_scope(engine, actor="t") as s:
        rows = [dict(r._mapping) for r in s.execute(select(AuditEntry.__table__).order_by(AuditEntry.id))]
    prev = GENESIS
    for row in rows:
        change(row)
        row["prev_hash"] = prev
        row["hash"] = prev = chain_hash(prev, content_of(row))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_tree"))
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(AuditEntry.__table__.insert(), rows)
        extend(conn, 0, len(rows))


def test_intact_log_verifies_with_a_root_the_cache_agrees_with(log: Engine, ring: Keyring) -> None:
    result = _verify(log)
    assert result.ok and result.entries == N and result.head_seq == N
    with session_scope(log, actor="t") as s:
        assert tree_head(s).root.hex() == result.root
        assert check_checkpoint(s, make_checkpoint(s, ring=ring), keys=ring.public_keys()).ok
    assert _rows(log) == []


TAMPERS = pytest.mark.parametrize(
    ("statements", "broken_at"),
    [
        (["UPDATE audit_log SET actor = 'mallory' WHERE id = 7"], 7),  # edit
        (["DELETE FROM audit_log WHERE id = 7"], 8),  # delete
        (  # reorder
            [
                "UPDATE audit_log SET id = -1 WHERE id = 7",
                "UPDATE audit_log SET id = 7 WHERE id = 8",
                "UPDATE audit_log SET id = 8 WHERE id = -1",
            ],
            7,
        ),
        (  # insert: make room at #7 and copy #6 there
            [
                "UPDATE audit_log SET id = id + 100000 WHERE id >= 7",
                "UPDATE audit_log SET id = id - 99999 WHERE id >= 100007",
                "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, before, after, "
                "prev_hash, hash, organisation_id) SELECT 7, at, 'mallory', entity, entity_id, action, "
                "before, after, prev_hash, hash, organisation_id FROM audit_log WHERE id = 6",
            ],
            7,
        ),
    ],
    ids=["edit", "delete", "reorder", "insert"],
)


@TAMPERS
def test_altered_entries_break_the_chain(log: Engine, statements: list[str], broken_at: int) -> None:
    _sql(log, *statements)
    result = _verify(log)
    assert not result.ok and result.broken_at == broken_at, result


@TAMPERS
def test_altered_entries_are_named_whatever_the_page_size(
    log: Engine, statements: list[str], broken_at: int
) -> None:
    _sql(log, *statements)
    for page_size in (1, 6, 7, 8):  # the entry first, last, alone and in the middle of its page
        result = _verify(log, page_size=page_size)
        assert not result.ok and result.broken_at == broken_at, (page_size, result)


def test_pages_of_any_size_give_the_same_root_and_checkpoint_root(log: Engine) -> None:
    whole = _verify(log, prefix=BLOCK + 3)
    assert whole.ok and whole.prefix_root
    for page_size in (1, 5, BLOCK, BLOCK + 3, 10 * N):
        paged = _verify(log, page_size=page_size, prefix=BLOCK + 3)
        assert (paged.ok, paged.entries, paged.root, paged.prefix_root) == (
            True,
            N,
            whole.root,
            whole.prefix_root,
        ), page_size


def test_an_entry_whose_sequence_number_is_not_a_whole_number_is_caught(log: Engine) -> None:
    if log.dialect.name != "sqlite":  # PostgreSQL's typed column refuses the edit itself
        with pytest.raises(DBAPIError):
            _sql(log, f"UPDATE audit_log SET id = 'x{N}' WHERE id = {N}")
        assert _verify(log).ok
        return
    _sql(log, f"UPDATE audit_log SET id = 'x{N}' WHERE id = {N}")
    for page_size in (None, 7):
        result = _verify(log, page_size=page_size)
        assert not result.ok, (page_size, result)


def test_audited_row_edited_added_or_removed_behind_vats_is_named(log: Engine) -> None:
    _sql(log, "UPDATE organisations SET region = 'BJ' WHERE id = 3")
    (edited,) = _rows(log)
    assert (edited.table, edited.id, edited.field, edited.logged, edited.live) == (
        "organisations",
        "3",
        "region",
        "CQ",
        "BJ",
    )
    _sql(log, "UPDATE organisations SET region = 'CQ' WHERE id = 3", "DELETE FROM organisations WHERE id = 4")
    assert [(m.id, m.live) for m in _rows(log)] == [("4", "row missing")]
    _sql(
        log,
        "INSERT INTO organisations (id, name, region, version, created_at) "
        "SELECT 100000, '影子公司', region, version, created_at FROM organisations WHERE id = 5",
    )
    assert [(m.table, m.id, m.live) for m in _rows(log)] == [
        ("organisations", "100000", "row not in the audit log"),
        ("organisations", "4", "row missing"),
    ]


def test_forged_append_is_caught_by_the_rows(log: Engine) -> None:
    """Appending a well-formed entry needs no secret; it claims a change the table never saw."""
    from vats.store.auditlog import Change, append

    with log.begin() as conn:
        append(
            conn,
            actor="mallory",
            changes=[Change("organisations", "3", "update", {"region": "CQ"}, {"region": "SH"})],
        )
    assert _verify(log).ok
    assert [(m.id, m.field) for m in _rows(log)] == [("3", "region")]


def test_tail_truncation_fails_the_checkpoint(log: Engine, ring: Keyring) -> None:
    with session_scope(log, actor="t") as s:
        cp = make_checkpoint(s, ring=ring)
    _sql(log, f"DELETE FROM audit_log WHERE id > {N - 3}")
    assert _verify(log).ok  # the chain alone cannot see a shorter tail
    with session_scope(log, actor="t") as s:
        check = check_checkpoint(s, cp, keys=ring.public_keys())
    assert not check.ok and "truncated" in (check.reason or "")


def test_truncation_into_a_cached_block_fails_even_without_a_checkpoint(log: Engine) -> None:
    _sql(log, f"DELETE FROM audit_log WHERE id > {BLOCK - 5}")
    result = _verify(log)
    assert not result.ok and "truncated" in (result.reason or "")


def test_altered_tree_cache_is_named(log: Engine) -> None:
    _sql(log, f"UPDATE audit_tree SET hash = '{'0' * 64}' WHERE level = 8 AND idx = 0")
    result = _verify(log)
    assert not result.ok and "cached tree node (8, 0)" in (result.reason or "")


def test_consistent_forgery_fails_our_checkpoint_and_its_own_is_not_ours(
    log: Engine, ring: Keyring, tmp_path: Path
) -> None:
    with session_scope(log, actor="t") as s:
        cp = make_checkpoint(s, ring=ring)

    def forge(row: dict[str, Any]) -> None:
        if row["id"] == 5:
            row["actor"] = "mallory"

    _rewrite(log, forge)
    assert _verify(log).ok  # self-consistent: chain, cache and rows all agree with each other
    mallory = Keyring(tmp_path / "mallory")
    with session_scope(log, actor="t") as s:
        check = check_checkpoint(s, cp, keys=ring.public_keys())
        assert not check.ok and "rewritten" in (check.reason or "")
        forged = make_checkpoint(s, ring=mallory)
        own = check_checkpoint(s, forged, keys=ring.public_keys())
    assert not own.ok and "not one of ours" in (own.reason or "")


def test_inclusion_proofs_verify_offline_for_every_kind_of_position(log: Engine, ring: Keyring) -> None:
    with session_scope(log, actor="t") as s:
        for seq in (1, 2, BLOCK, BLOCK + 1, N):
            document = prove(s, seq=seq, ring=ring)
            assert cpm.check_inclusion(document, ring.public_keys()) is None
            head = cpm.parse(document["checkpoint"])
            proof = [bytes.fromhex(p) for p in document["proof"]]
            other = leaf_hash(b"not an entry")
            assert not verify_inclusion(other, seq - 1, head.size, proof, head.root)


def test_archiving_keeps_the_tree_and_old_checkpoints_verifiable(
    log: Engine, ring: Keyring, tmp_path: Path
) -> None:
    from vats.store.auditlog import archive

    _rewrite(log, lambda row: row.update(at=row["at"] - timedelta(days=800)) if row["id"] <= 100 else None)
    with session_scope(log, actor="t") as s:
        before = make_checkpoint(s, ring=ring)
        cutoff = s.scalars(select(AuditEntry.at).where(AuditEntry.id == 100)).one() + timedelta(seconds=1)
        result = archive(s, before=cutoff, path=str(tmp_path / "old.jsonl"))
    assert result.archived == 100
    after = _verify(log)
    assert after.ok and after.head_seq == N + 1 and after.entries == N + 1 - 100
    for page_size in (7, 100):
        paged = _verify(log, page_size=page_size)
        assert (paged.ok, paged.entries, paged.root) == (True, after.entries, after.root), page_size
    with session_scope(log, actor="t") as s:
        assert check_checkpoint(s, before, keys=ring.public_keys()).ok
        document = prove(s, seq=150, ring=ring)
    assert cpm.check_inclusion(document, ring.public_keys()) is None
    _sql(log, "UPDATE audit_tree SET hash = '" + "1" * 64 + "' WHERE level = 0 AND idx = 10")
    with session_scope(log, actor="t") as s:
        assert not check_checkpoint(s, before, keys=ring.public_keys()).ok
