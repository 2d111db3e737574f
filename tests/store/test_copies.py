"""Copies register on SQLite and PostgreSQL: issue (signed, rendered, registered), per-recipient view,
revocation seen by the public verifier, organisation scope, inputs refused naming the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from vats.model import copystatement as cs
from vats.model.errors import InputError, NotFoundError
from vats.model.keyring import Keyring
from vats.report.copies import issue_copy
from vats.store import copies as store
from vats.store.db import session_scope
from vats.store.licences import import_licence
from vats.store.scope import Scope, bind

AS_OF = date(2026, 3, 1)  # the reference licence is valid until 2026-10-20


@pytest.fixture
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "pw")
    return Keyring(tmp_path / "keys")


def test_issue_register_revoke_and_verify(engine: Engine, seed_path: Path, ring: Keyring) -> None:
    with session_scope(engine, actor="officer") as session:
        record = import_licence(session, path=seed_path)
        number, org = record.number, record.organisation_id
        issued = issue_copy(
            session,
            number=number,
            recipient=" 华为应用市场 ",
            purpose="上架审核使用",
            until=date(2026, 9, 30),
            ring=ring,
            public_url="https://vats.example.cn",
            as_of=AS_OF,
        )
        copy_id = issued.copy.copy_id
        qr = issued.copy.statement
        digest = issued.copy.source_sm3
    assert issued.pdf.startswith(b"%PDF") and issued.pngs[0].startswith(b"\x89PNG")
    assert qr.startswith("https://vats.example.cn/verify/copy?s=VC1.")
    from vats.ingest.qr import qr_texts

    assert qr_texts(issued.pdf) == [qr]  # the QR on the copy is the registered statement
    keys = ring.public_keys()
    offline = cs.verify(qr, keys, today=AS_OF, content=seed_path.read_bytes())
    assert offline.state is cs.State.VALID and offline.statement is not None
    assert offline.statement.recipient == "华为应用市场" and offline.statement.digest == digest

    with session_scope(engine, actor="viewer") as session:
        bind(session, Scope.of("t", frozenset({org})))
        assert [c.copy_id for c in store.list_copies(session, recipient="华为应用市场")] == [copy_id]
        assert store.recipients(session) == [("华为应用市场", 1)]
        assert store.verify_online(session, text=qr, keys=keys, as_of=AS_OF).state is cs.State.VALID
        bind(session, Scope.of("t", frozenset({org + 1000})))
        assert store.list_copies(session) == [] and store.recipients(session) == []
        with pytest.raises(NotFoundError) as foreign:
            store.get_copy(session, copy_id=copy_id)
        assert foreign.value.field == "copy_id"

    with session_scope(engine, actor="officer") as session:
        bind(session, Scope.of("t", frozenset({org + 1000})))
        with pytest.raises(NotFoundError):  # a write to another organisation's copy: missing, not 403
            store.revoke_copy(session, copy_id=copy_id)
    with session_scope(engine, actor="officer") as session:
        row = store.revoke_copy(session, copy_id=copy_id.lower(), reason="泄露")
        assert row.revoked_by == "officer" and row.state_on(AS_OF) is cs.State.REVOKED
    with session_scope(engine, actor="public") as session:
        revoked = store.verify_online(session, text=qr, keys=keys, as_of=AS_OF)
        assert revoked.state is cs.State.REVOKED and revoked.state.label == "已撤销"
        assert [c.copy_id for c in store.list_copies(session, state="revoked")] == [copy_id]
        assert store.list_copies(session, state="valid") == []
        from vats.store.auditlog import AuditEntry

        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "licence_copies").order_by(AuditEntry.id)
        ).all()
        assert actions == ["insert", "update"]  # issue and revocation are both on the audit trail


def test_unregistered_statement_signed_by_us_is_not_ours(engine: Engine, ring: Keyring) -> None:
    statement = cs.CopyStatement("VC-NONE-NONE", "渝B2-20210467", "x", "y", AS_OF, date(2026, 9, 30), "00")
    qr = cs.sign(statement, ring, verify_url="https://v/verify/copy")
    with session_scope(engine, actor="public") as session:
        verdict = store.verify_online(session, text=qr, keys=ring.public_keys(), as_of=AS_OF)
    assert verdict.state is cs.State.NOT_OURS and "register" in verdict.reason


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": "  "}, "recipient"),
        ({"purpose": "x" * 201}, "purpose"),
        ({"recipient": "华为\n应用市场"}, "recipient"),
        ({"until": date(2026, 2, 1)}, "until"),
        ({"until": date(2026, 12, 31)}, "until"),  # after the licence's own expiry
        ({"until": None}, "until"),
    ],
)
def test_bad_requests_name_the_field_and_register_nothing(
    engine: Engine, seed_path: Path, changes: dict[str, object], field: str
) -> None:
    with session_scope(engine, actor="officer") as session:
        number = import_licence(session, path=seed_path).number
    args: dict[str, object] = {
        "number": number,
        "recipient": "华为应用市场",
        "purpose": "上架审核使用",
        "until": date(2026, 9, 30),
        **changes,
    }
    with session_scope(engine, actor="officer") as session:
        with pytest.raises(InputError) as bad:
            store.check_request(session, as_of=AS_OF, **args)  # type: ignore[arg-type]
        assert bad.value.field == field
        assert store.list_copies(session) == []


def test_unknown_or_foreign_licence_is_missing(engine: Engine, seed_path: Path) -> None:
    with session_scope(engine, actor="officer") as session:
        record = import_licence(session, path=seed_path)
        number, org = record.number, record.organisation_id
    with session_scope(engine, actor="officer") as session:
        bind(session, Scope.of("t", frozenset({org + 1000})))
        with pytest.raises(NotFoundError) as missing:
            store.check_request(
                session, number=number, recipient="a", purpose="b", until=date(2026, 9, 30), as_of=AS_OF
            )
        assert missing.value.field == "number"
