"""Audit entries carry their entity's organisation (written by the flush hook, or backfilled by
migration 0007 for older entries) and are read within a caller's organisations; licence lookups
apply the session's organisation scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select, text

from store.helpers import make_licence
from vats.store.auditlog import AuditEntry, readable, verify
from vats.store.db import session_scope
from vats.store.scope import Scope, bind


def _populate(engine: Engine) -> tuple[int, int]:
    """Two organisations; A holds a licence (two revisions) and a case; B a licence and a grant."""
    from vats.api import accounts
    from vats.registers.cases.service import add_case
    from vats.store.licences import import_licence
    from vats.store.organisations import add_organisation

    with session_scope(engine, actor="setup") as s:
        a = add_organisation(s, name="甲公司").id
        b = add_organisation(s, name="乙公司").id
        first = make_licence(1)
        import_licence(s, licence=first, organisation_id=a)
        import_licence(s, licence=make_licence(1, company="甲公司（更名）"), organisation_id=None)
        import_licence(s, licence=make_licence(2), organisation_id=b)
        add_case(
            s,
            licence=first.number,
            site="a.example.cn",
            content_ref="ref-1",
            category="rumours",
            discovered_at=date(2026, 1, 5),
            today=date(2026, 11, 2),
        )
        accounts.create_user(s, name="viewer-b", role="viewer", password="correct horse battery")
        accounts.grant(s, name="viewer-b", organisation_id=b)
    return a, b


def _organisations(engine: Engine) -> dict[int, tuple[str, int | None]]:
    with session_scope(engine, actor="t") as s:
        rows = s.execute(select(AuditEntry.id, AuditEntry.entity, AuditEntry.organisation_id)).all()
    return {r.id: (r.entity, r.organisation_id) for r in rows}


def test_entries_carry_the_organisation_of_what_they_touch(engine: Engine) -> None:
    a, b = _populate(engine)
    by_entity: dict[str, set[int | None]] = {}
    for entity, org in _organisations(engine).values():
        by_entity.setdefault(entity, set()).add(org)
    assert by_entity["organisations"] == {a, b}
    assert by_entity["licences"] == {a, b}
    assert by_entity["licence_revisions"] == {a, b}
    assert by_entity["disposal_cases"] == {a}
    assert by_entity["org_grants"] == {b}
    assert by_entity["actors"] == {None}  # accounts: admins only


def test_readers_see_only_their_organisations_entries(engine: Engine) -> None:
    a, _b = _populate(engine)
    with session_scope(engine, actor="t") as s:
        everything = s.scalars(readable(select(AuditEntry), None)).all()
        of_a = s.scalars(readable(select(AuditEntry), frozenset({a}))).all()
        of_none = s.scalars(readable(select(AuditEntry), frozenset())).all()
    assert of_a and all(e.organisation_id == a for e in of_a)
    assert len(of_a) < len(everything)
    assert of_none == []


def test_backfill_derives_what_the_hook_writes(engine: Engine) -> None:
    """Re-running migration 0007 on a log without the column reproduces the hook's organisations,
    and the hash chain still verifies (the column is not hashed)."""
    from alembic import command

    from vats.store.db import _alembic_config, upgrade

    _populate(engine)
    written = _organisations(engine)
    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_status_indexes")
    upgrade(engine)
    assert _organisations(engine) == written
    with session_scope(engine, actor="t") as s:
        assert verify(s).ok


def test_licence_lookup_applies_the_session_scope(engine: Engine) -> None:
    from vats.store.licences import get_licence

    a, b = _populate(engine)
    with session_scope(engine, actor="t") as s:
        number_b = s.execute(
            text("SELECT number FROM licences WHERE organisation_id = :b"), {"b": b}
        ).scalar()
        bind(s, Scope.of("t", {a}))
        assert get_licence(s, number=number_b) is None
        assert get_licence(s, number=number_b, any_organisation=True) is not None
        bind(s, Scope.of("t", {b}))
        assert get_licence(s, number=number_b) is not None
