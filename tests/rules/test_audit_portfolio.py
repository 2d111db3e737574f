"""A portfolio audited in one engine run gives each licence what a run of its own gives it."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from vats.ingest.render import synthetic_licence
from vats.model.obligations import Event
from vats.rules.audit import audit_licence, audit_portfolio
from vats.rules.engine import EventIndex, evaluate

AS_OF = date(2026, 11, 2)


@pytest.mark.parametrize("holder_wide", [False, True])
def test_one_engine_run_for_the_portfolio_equals_one_run_per_licence(holder_wide: bool) -> None:
    """`audit_portfolio` evaluates many licences in one engine run (the web cache and the compliance
    report use it). Each licence must get exactly what a run of its own would give it: obligations,
    their order and text, and the audit findings. Covered: licence-specific and holder-wide waivers,
    events filed under a base number, and licences without events (whose overdue findings become
    requests for evidence)."""
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
    own = {
        lic.number: sorted(
            (e for g in index.for_licence(lic).by_type.values() for e in g), key=lambda e: (e.date, e.id)
        )
        for lic in licences
    }
    together = audit_portfolio(list(reversed(licences)), events, as_of=AS_OF)
    assert [e.licence.number for e in together] == [lic.number for lic in reversed(licences)]
    for entry in together:
        mine = own[entry.licence.number]
        alone = evaluate([entry.licence], mine, AS_OF).obligations
        assert entry.obligations == tuple(alone), entry.licence.number
        assert [list(o.explanation) for o in entry.obligations] == [list(o.explanation) for o in alone]
        assert list(entry.findings) == audit_licence(entry.licence, as_of=AS_OF, events=mine)
    assert any(o.status.value == "waived" for e in together for o in e.obligations)
    assert any(not mine for mine in own.values()) is not holder_wide
    assert any("no_evidence" in f.tags for e in together for f in e.findings) is not holder_wide


def test_two_copies_of_one_number_are_audited_apart() -> None:
    """Obligations name their licence by number, so two revisions of one licence given side by side
    must not pool their obligations: each copy gets what it would get alone."""
    import dataclasses

    first = synthetic_licence(3)
    renewed = dataclasses.replace(first, expiry_date=date(2031, 1, 1))
    expired = dataclasses.replace(first, expiry_date=date(2026, 1, 1))
    audits = audit_portfolio([renewed, expired, renewed], [], as_of=AS_OF)
    assert [a.licence for a in audits] == [renewed, expired, renewed]
    for a in audits:
        assert a.obligations == tuple(evaluate([a.licence], [], AS_OF).obligations)
        assert list(a.findings) == audit_licence(a.licence, as_of=AS_OF)
    assert audits[0].findings != audits[1].findings


def test_audit_each_keeps_each_holders_events_to_its_own_licences() -> None:
    """Licences of different holders see different holder-wide events; `audit_each` runs them apart
    (`holder_groups`) so each licence gets exactly its own audit."""
    from vats.rules.audit import audit_each
    from vats.rules.engine import holder_groups

    licences = list({lic.number: lic for lic in (synthetic_licence(i) for i in range(12))}.values())
    waive = [
        Event(
            "obligation_waived", date(2026, 1, 2), None, id="w-a", fields={"rule": "privacy.self_inspection"}
        )
    ]
    nothing: list[Event] = []
    items = [(lic, waive if i % 3 == 0 else nothing) for i, lic in enumerate(licences)]
    groups = holder_groups(items)
    assert len(groups) == 2 and sorted(p for g in groups for p in g[0]) == list(range(len(items)))
    audits = audit_each(items, as_of=AS_OF)
    assert [a.licence for a in audits] == licences
    for (lic, events), audit in zip(items, audits, strict=True):
        assert list(audit.findings) == audit_licence(lic, as_of=AS_OF, events=events)
        waived = {o.rule_id for o in audit.obligations if o.status.value == "waived"}
        assert waived == ({"privacy.self_inspection"} if events else set())
