"""The session's scope is one value bound where the session opens and read through `scope_of`:
its actor goes to the audit log and its organisations limit every lookup by reference."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from vats.store.db import session_scope
from vats.store.models import LicenceRecord
from vats.store.scope import SYSTEM, Scope, bind, scope_of, widened


def test_an_unbound_session_acts_as_the_system_everywhere() -> None:
    from sqlalchemy.orm import Session

    session = Session()
    assert scope_of(session) == SYSTEM
    assert SYSTEM.actor == "system" and SYSTEM.unrestricted
    assert SYSTEM.where(LicenceRecord.organisation_id) == []


def test_session_scope_binds_actor_and_organisations() -> None:
    engine = create_engine("sqlite://")
    with session_scope(engine, actor="alice", organisations=[3, 1]) as s:
        assert scope_of(s) == Scope("alice", frozenset({1, 3}))
    with session_scope(engine, actor="bob") as s:
        assert scope_of(s) == Scope("bob", None)
    engine.dispose()


def test_sees_keeps_unowned_rows_only_when_asked() -> None:
    scope = Scope.of("alice", {1})
    assert scope.sees(1) and not scope.sees(2)
    assert scope.sees(None) and not scope.sees(None, unowned=False)
    assert Scope.of("admin").sees(2)


def test_where_builds_the_same_limit_as_sees() -> None:
    scope = Scope.of("alice", {2, 1})
    (inside,) = scope.where(LicenceRecord.organisation_id)
    (or_unowned,) = scope.where(LicenceRecord.organisation_id, unowned=True)
    plain = str(select(LicenceRecord.id).where(inside).compile(compile_kwargs={"literal_binds": True}))
    assert "organisation_id IN (1, 2)" in plain and "IS NULL" not in plain
    loose = str(select(LicenceRecord.id).where(or_unowned).compile(compile_kwargs={"literal_binds": True}))
    assert "organisation_id IS NULL" in loose


def test_widened_lifts_the_limit_for_the_block_only() -> None:
    from sqlalchemy.orm import Session

    session = Session()
    bind(session, Scope.of("alice", {1}))
    with widened(session):
        assert scope_of(session) == Scope("alice", None)
    assert scope_of(session) == Scope("alice", frozenset({1}))
    with pytest.raises(RuntimeError), widened(session):
        raise RuntimeError("boom")
    assert scope_of(session).organisations == frozenset({1})
