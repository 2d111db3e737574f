"""Optimistic concurrency: two sessions update the same record; the later writer gets ConflictError
(exit 3) and nothing it wrote is kept — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from vats.model.errors import ConflictError, ExitCode
from vats.store.auditlog import list_entries, verify
from vats.store.db import session_scope
from vats.store.models import Organisation
from vats.store.organisations import add_organisation


def test_lost_update_is_refused(engine: Engine) -> None:
    with session_scope(engine, actor="setup") as s:
        org_id = add_organisation(s, name="并发公司", region="CQ").id
    with pytest.raises(ConflictError) as info, session_scope(engine, actor="loser") as loser:
        stale = loser.get_one(Organisation, org_id)
        assert stale.version == 1
        with session_scope(engine, actor="winner") as winner:
            winner.get_one(Organisation, org_id).region = "BJ"
        stale.region = "SH"
    assert info.value.exit_code is ExitCode.CONFLICT
    with session_scope(engine, actor="t") as s:
        org = s.get_one(Organisation, org_id)
        assert (org.region, org.version) == ("BJ", 2)
        actors = [e.actor for e in list_entries(s, entity="organisations")]
        assert actors == ["winner", "setup"]
        assert verify(s).ok


def test_duplicate_name_is_a_conflict(engine: Engine) -> None:
    with session_scope(engine, actor="a") as s:
        add_organisation(s, name="同名公司")
    with pytest.raises(ConflictError), session_scope(engine, actor="a") as s:
        add_organisation(s, name="同名公司")


def test_concurrent_duplicate_insert_is_a_conflict(engine: Engine) -> None:
    """Both writers pass the existence check; the database's unique key decides, the loser gets 409."""
    from vats.store.models import Actor

    with pytest.raises(ConflictError, match="already exists"), session_scope(engine, actor="a") as first:
        first.add(Actor(name="同一人"))
        with session_scope(engine, actor="b") as second:
            second.add(Actor(name="同一人"))
        first.flush()
