"""The cached portfolio read model: correct after every write, and incremental."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vats.api import views
from vats.api.deps import Principal, Role

ADMIN = Principal(name="admin", role=Role.ADMIN)
AS_OF = date(2026, 11, 2)


def test_writes_invalidate_and_only_changed_licences_are_re_evaluated(db_url: str, seed_path: Path) -> None:
    import dataclasses

    from vats.ingest.render import synthetic_licence
    from vats.registers.cases import service
    from vats.registers.vocab import vocabulary
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence

    engine = make_engine(db_url)
    upgrade(engine)
    other = dataclasses.replace(synthetic_licence(7), expiry_date=date(2030, 1, 1))
    with session_scope(engine, actor="t") as s:
        seed = import_licence(s, path=seed_path).number
        import_licence(s, licence=other)
    with session_scope(engine, actor="t") as s:
        first = views.portfolio(s, ADMIN, as_of=AS_OF)
        assert views.portfolio(s, ADMIN, as_of=AS_OF) is first  # no write: same object
    url = str(engine.url)
    before = dict(views._CACHE.entries[(url, AS_OF)])
    with session_scope(engine, actor="t") as s:
        case = service.add_case(
            s,
            licence=seed,
            site="maichetong.com.cn",
            content_ref="p1",
            category=vocabulary().terms("categories").codes()[0],
            discovered_at=date(2026, 10, 9),
            today=AS_OF,
        )
        service.dispose_case(
            s,
            case_id=case.id,
            disposed_at=date(2026, 10, 10),
            action=vocabulary().terms("disposal_actions").codes()[0],
            records_ref="box 1",
            today=AS_OF,
        )
    with session_scope(engine, actor="t") as s:
        second = views.portfolio(s, ADMIN, as_of=AS_OF)
    after = views._CACHE.entries[(url, AS_OF)]
    assert second is not first
    assert after[other.number] is before[other.number]  # untouched licence reused
    assert after[seed] is not before[seed]
    assert any(o.subject and o.subject.startswith("case:") for o in second.obligations)
    assert not any(o.subject and o.subject.startswith("case:") for o in first.obligations)
    outsider = Principal(name="o", role=Role.VIEWER, organisations=frozenset({999}))
    with session_scope(engine, actor="t") as s:
        assert views.portfolio(s, outsider, as_of=AS_OF).licences == ()
        numbers = views.dashboard(s, ADMIN, as_of=AS_OF)
    assert numbers.licences == 2 and numbers.expired == 1 and numbers.open_cases == 1
    assert [lic.number for lic in numbers.expired_licences] == [seed]
    engine.dispose()


@pytest.mark.parametrize("holder_wide", [False, True])
def test_one_engine_run_for_the_portfolio_equals_one_run_per_licence(holder_wide: bool) -> None:
    """The cache evaluates every stale licence in one engine run; each licence must get exactly what a
    run of its own would give it (obligations, their order and text, and the audit findings), with
    licence-specific and holder-wide waivers, events filed under a base number, and licences that
    have no events at all (whose overdue findings become requests for evidence)."""
    import random
    from datetime import timedelta

    from vats.ingest.render import synthetic_licence
    from vats.model.obligations import Event
    from vats.rules.audit import audit_licence
    from vats.rules.engine import EventIndex, evaluate

    rng = random.Random(11)
    licences = list({lic.number: lic for lic in (synthetic_licence(i) for i in range(60))}.values())
    kinds = ["illegal_info_disposed", "complaint_received", "incident_occurred", "illegal_info_reported"]
    events = []
    for i, lic in enumerate(licences[:45]):  # the last 15 have no events of their own
        for j in range(rng.randrange(1, 6)):
            day = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
            events.append(
                Event(rng.choice(kinds), day, licence=lic.number, id=f"e{i}.{j}", fields={"subject": f"s{j}"})
            )
        if i % 7 == 0:
            rule = "licence.annual_report" if i % 2 else "retention.network_logs"
            events.append(
                Event(
                    "obligation_waived",
                    date(2026, 3, 1),
                    licence=lic.number,
                    id=f"w{i}",
                    fields={"rule": rule, "reason": "test"},
                )
            )
        if i % 9 == 0 and lic.number_info is not None:
            events.append(
                Event(
                    "complaint_received",
                    date(2026, 6, 1),
                    licence=lic.number_info.base,
                    id=f"b{i}",
                    fields={"subject": "base"},
                )
            )
    if holder_wide:  # then every licence has events: the holder's own waiver applies to all of them
        events.append(
            Event(
                "obligation_waived",
                date(2026, 2, 1),
                licence=None,
                id="w-all",
                fields={"rule": "privacy.self_inspection", "reason": "holder-wide"},
            )
        )
    index = EventIndex(events)
    pending = []
    for lic in licences:
        own = sorted(
            (e for g in index.for_licence(lic).by_type.values() for e in g), key=lambda e: (e.date, e.id)
        )
        pending.append(views._Pending((), lic, own))
    together = views._evaluate_pending(pending, AS_OF)
    assert [e.licence.number for e in together] == [p.licence.number for p in pending]
    for entry, p in zip(together, pending, strict=True):
        alone = evaluate([p.licence], p.events, AS_OF).obligations
        assert entry.obligations == tuple(alone), p.licence.number
        assert [list(o.explanation) for o in entry.obligations] == [list(o.explanation) for o in alone]
        assert list(entry.findings) == audit_licence(p.licence, as_of=AS_OF, events=p.events)
    assert any(o.status.value == "waived" for e in together for o in e.obligations)
    assert any(not p.events for p in pending) is not holder_wide
    assert any("no_evidence" in f.tags for e in together for f in e.findings) is not holder_wide
