"""The audit trail: automatic rows for audited models, SM3 chain verification against direct
tampering with raw SQL, and append-only / retention refusals — on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from vats.model.errors import RefusedError
from vats.store.auditlog import AuditEntry, archive, list_entries, verify
from vats.store.db import session_scope
from vats.store.models import Organisation
from vats.store.organisations import add_organisation


def _populate(engine: Engine, n: int = 5) -> None:
    for i in range(n):
        with session_scope(engine, actor=f"user{i}") as s:
            add_organisation(s, name=f"公司{i}", region="CQ")


def _verify(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine, actor="t") as s:
        return verify(s)


def test_every_change_is_logged_with_before_and_after(engine: Engine) -> None:
    with session_scope(engine, actor="alice") as s:
        org = add_organisation(s, name="甲公司", region="CQ")
        org_id = org.id
    with session_scope(engine, actor="bob") as s:
        s.get_one(Organisation, org_id).region = "BJ"
    with session_scope(engine, actor="t") as s:
        update, insert = list_entries(s, entity="organisations")
    assert (insert.action, insert.actor, insert.entity_id) == ("insert", "alice", str(org_id))
    assert insert.before is None and insert.after is not None and insert.after["name"] == "甲公司"
    assert (update.action, update.actor) == ("update", "bob")
    assert update.before == {"region": "CQ", "version": 1}
    assert update.after == {"region": "BJ", "version": 2}
    assert insert.at.tzinfo is not None or engine.dialect.name == "sqlite"
    result = _verify(engine)
    assert result.ok and result.entries == 2


def test_rollback_leaves_no_audit_row(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine, actor="a") as s:
        add_organisation(s, name="回滚公司")
        raise RuntimeError("boom")
    with session_scope(engine, actor="t") as s:
        assert list_entries(s) == []


def test_altered_after_json_is_detected(engine: Engine) -> None:
    _populate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET after = :a WHERE id = 3"), {"a": '{"name": "篡改"}'})
    result = _verify(engine)
    assert not result.ok and result.broken_at == 3
    assert "altered" in (result.reason or "")


def test_deleted_middle_row_is_detected(engine: Engine) -> None:
    _populate(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
    result = _verify(engine)
    assert not result.ok and result.broken_at == 4


def test_swapped_sequence_numbers_are_detected(engine: Engine) -> None:
    _populate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET id = -1 WHERE id = 2"))
        conn.execute(text("UPDATE audit_log SET id = 2 WHERE id = 4"))
        conn.execute(text("UPDATE audit_log SET id = 4 WHERE id = -1"))
    result = _verify(engine)
    assert not result.ok and result.broken_at == 2


def test_orm_cannot_change_or_delete_entries(engine: Engine) -> None:
    _populate(engine, 1)
    with pytest.raises(RefusedError), session_scope(engine, actor="t") as s:
        s.delete(s.scalars(select(AuditEntry)).one())
    with pytest.raises(RefusedError), session_scope(engine, actor="t") as s:
        s.scalars(select(AuditEntry)).one().actor = "mallory"
    assert _verify(engine).ok


def test_retention_refuses_deleting_recent_events(engine: Engine) -> None:
    from vats.model.obligations import Event
    from vats.store.events import record_event
    from vats.store.models import EventRow

    with session_scope(engine, actor="t") as s:
        event_id = record_event(s, event=Event(type="complaint_received", date=date(2026, 1, 5))).id
    with pytest.raises(RefusedError, match="retention"), session_scope(engine, actor="t") as s:
        s.delete(s.get_one(EventRow, event_id))
    with session_scope(engine, actor="t") as s:
        assert s.get(EventRow, event_id) is not None


def test_archive_refuses_inside_retention_and_keeps_chain_verifiable(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _populate(engine, 4)
    now = datetime.now(UTC)
    with pytest.raises(RefusedError, match="retention"), session_scope(engine, actor="t") as s:
        archive(s, before=now, path=str(tmp_path / "a.jsonl"))
    # Age entries 1-2 by a year (as if written then), re-hashing so the chain stays genuine.
    from vats.store.auditlog import GENESIS, chain_hash, content_of

    with session_scope(engine, actor="t") as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        prev = GENESIS
        updates = []
        for row in rows:
            at = row.at - timedelta(days=400) if row.id <= 2 else row.at
            content = content_of({**row.__dict__, "at": at})
            digest = chain_hash(prev, content)
            updates.append({"id": row.id, "at": at, "p": prev, "h": digest})
            prev = digest
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET at = :at, prev_hash = :p, hash = :h WHERE id = :id"), updates)
    assert _verify(engine).ok
    cutoff = now - timedelta(days=300)
    with session_scope(engine, actor="archivist") as s:
        result = archive(s, before=cutoff, path=str(tmp_path / "a.jsonl"))
    assert (result.archived, result.first_seq, result.last_seq) == (2, 1, 2)
    assert len((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    after = _verify(engine)
    assert after.ok and after.entries == 3  # entries 3, 4 and the archive entry
    with engine.begin() as conn:  # removing the archive entry's vouching breaks verification
        conn.execute(text("DELETE FROM audit_log WHERE action = 'archive'"))
    assert not _verify(engine).ok


APPENDER = """
import sys
from vats.store.db import make_engine, session_scope
from vats.store.organisations import add_organisation
engine = make_engine(sys.argv[1])
for i in range(int(sys.argv[3])):
    with session_scope(engine, actor=sys.argv[2]) as s:
        add_organisation(s, name=f"{sys.argv[2]}-{i}")
"""


def test_concurrent_appenders_do_not_fork_the_chain(engine: Engine, migrated_url: str) -> None:
    n = 15
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, migrated_url, name, str(n)], stderr=subprocess.PIPE)
        for name in ("p1", "p2", "p3")
    ]
    for p in procs:
        _out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()
    result = _verify(engine)
    assert result.ok, result.describe()
    assert result.entries == 3 * n
