"""`evaluate_stored`: one evaluation of stored licences, equal to the engine run licence by licence,
scoped as asked, and skipping what the caller reuses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from store.helpers import make_licence
from vats.model.obligations import Event
from vats.rules.audit import audit_licence
from vats.rules.engine import evaluate
from vats.store.db import session_scope
from vats.store.evaluate import evaluate_stored, live_licences
from vats.store.events import record_event
from vats.store.licences import import_licence
from vats.store.organisations import add_organisation
from vats.store.scope import Scope, bind

AS_OF = date(2026, 11, 2)


def _portfolio(engine: Engine) -> tuple[list[str], int]:
    """Five licences in two organisations; events for one licence, a holder-wide event for one
    organisation only."""
    with session_scope(engine, actor="t") as s:
        a = add_organisation(s, name="甲公司").id
        b = add_organisation(s, name="乙公司").id
        numbers = []
        for i, seed in enumerate((3, 11, 42, 7, 19)):
            lic = make_licence(seed)
            numbers.append(import_licence(s, licence=lic, organisation_id=a if i < 3 else b).number)
        first = make_licence(3)
        record_event(
            s,
            event=Event(
                "site_check_passed", date(2026, 6, 1), numbers[0], fields={"domain": first.sites[0].domain}
            ),
        )
        record_event(
            s, event=Event("annual_report_filed", date(2026, 3, 1), fields={"year": 2025}), organisation_id=a
        )
    return numbers, a


def test_equals_the_engine_licence_by_licence_with_its_own_events(engine: Engine) -> None:
    numbers, org = _portfolio(engine)
    with session_scope(engine, actor="t") as s:
        found = [
            e for chunk in evaluate_stored(s, as_of=AS_OF, chunks=live_licences(s, chunk=2)) for e in chunk
        ]
        assert [e.stored.number for e in found] == numbers  # id order, across chunks
        for e in found:
            alone = evaluate([e.stored.licence], list(e.events), AS_OF).obligations
            assert e.obligations == tuple(alone)
            holder_wide = [ev for ev in e.events if ev.licence is None]
            assert bool(holder_wide) == (e.stored.organisation_id == org)  # one organisation's event only
        audited = next(iter(evaluate_stored(s, as_of=AS_OF, audit=True)))
        for e in audited:
            assert list(e.findings) == audit_licence(e.stored.licence, as_of=AS_OF, events=e.events)


def test_scope_by_numbers_organisation_and_visible_organisations(engine: Engine) -> None:
    numbers, org = _portfolio(engine)
    with session_scope(engine, actor="t") as s:
        picked = [x.number for c in live_licences(s, numbers=[numbers[4], numbers[1]]) for x in c]
        assert picked == [numbers[1], numbers[4]]
        mine = [x.number for c in live_licences(s, organisation_id=org) for x in c]
        assert mine == numbers[:3]
        bind(s, Scope.of("t", [org]))
        seen = [e.stored.number for c in evaluate_stored(s, as_of=AS_OF) for e in c]
        assert seen == numbers[:3]


def test_reused_licences_never_reach_the_engine(engine: Engine) -> None:
    numbers, _org = _portfolio(engine)
    seen: list[str] = []

    def counting(licences, events, as_of, **kw):  # type: ignore[no-untyped-def]
        seen.extend(lic.number for lic in licences)
        return evaluate(licences, events, as_of, **kw)

    with session_scope(engine, actor="t") as s:
        first = {e.stored.number: e for c in evaluate_stored(s, as_of=AS_OF, evaluate=counting) for e in c}
        assert sorted(seen) == sorted(numbers)
        seen.clear()
        again = [
            e
            for c in evaluate_stored(
                s,
                as_of=AS_OF,
                evaluate=counting,
                reuse=lambda stored, events, profile: (
                    first[stored.number] if stored.number != numbers[2] else None
                ),
            )
            for e in c
        ]
    assert seen == [numbers[2]]
    assert [e.stored.number for e in again] == numbers
    assert all(again[i] is first[n] for i, n in enumerate(numbers) if n != numbers[2])
    assert again[2].obligations == first[numbers[2]].obligations


def test_the_engine_never_reads_what_engine_data_leaves_out() -> None:
    """`engine_data` drops fields from the licences the cache evaluates: the engine's answer must not
    depend on them (a rule that starts reading one must take it off `ENGINE_UNREAD`)."""
    import dataclasses

    from vats.store.evaluate import ENGINE_UNREAD

    licences = [make_licence(seed) for seed in range(40)]
    assert sum(1 for lic in licences if lic.provisions) >= 10  # the synthetic licences carry provisions
    cut = [dataclasses.replace(lic, **{key: () for key in ENGINE_UNREAD}) for lic in licences]
    for day in (AS_OF, date(2027, 6, 30)):
        assert evaluate(cut, [], day).obligations == evaluate(licences, [], day).obligations


def test_engine_only_reads_leave_out_exactly_the_unread_fields(engine: Engine) -> None:
    numbers, _org = _portfolio(engine)
    with session_scope(engine, actor="t") as s:
        full = [x.licence for c in live_licences(s) for x in c]
        cut = [x.licence for c in live_licences(s, engine_only=True) for x in c]
    assert [lic.number for lic in cut] == numbers
    assert all(lic.provisions == () for lic in cut) and any(lic.provisions for lic in full)
    assert [dataclasses_without_provisions(lic) for lic in full] == cut


def dataclasses_without_provisions(lic):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(lic, provisions=())
