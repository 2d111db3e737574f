"""The dashboard answered from the database agrees with a fresh engine evaluation of the same
portfolio, for the whole portfolio and for a caller limited to one organisation."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

from vats.api import views
from vats.api.deps import Principal, Role
from vats.model.licence import validity
from vats.model.obligation_ids import obligation_id
from vats.model.obligations import ObligationStatus
from vats.rules.horizon import renewal_days_before

ADMIN = Principal(name="admin", role=Role.ADMIN)
AS_OF = date(2026, 11, 2)


def _expected(session: object, as_of: date) -> dict[str, object]:
    """The dashboard's numbers from a fresh evaluation of every licence the session sees."""
    from vats.store.evaluate import evaluate_stored
    from vats.store.status import ALERT, urgency

    evaluated = [e for chunk in evaluate_stored(session, as_of=as_of) for e in chunk]  # type: ignore[arg-type]
    licences = [e.stored.licence for e in evaluated]
    obligations = [o for e in evaluated for o in e.obligations]
    states = [validity(lic.expiry_date, as_of, expiring_within=renewal_days_before()) for lic in licences]
    horizon = as_of + timedelta(days=30)
    todo = (ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
    by_expiry = sorted(licences, key=lambda lic: (lic.expiry_date or date.max, lic.number))
    return {
        "licences": len(licences),
        "expired": states.count("expired"),
        "expiring": states.count("expiring"),
        "overdue": sum(1 for o in obligations if o.status is ObligationStatus.OVERDUE),
        "due30": sum(
            1 for o in obligations if o.status in todo and o.due_date and as_of <= o.due_date <= horizon
        ),
        "urgent": [
            obligation_id(o) for o in sorted((o for o in obligations if o.status in ALERT), key=urgency)
        ][:50],
        "soonest": [lic.number for lic in by_expiry][:20],
    }


def _actual(numbers: views.Dashboard) -> dict[str, object]:
    return {
        "licences": numbers.licences,
        "expired": numbers.expired,
        "expiring": numbers.expiring,
        "overdue": numbers.overdue,
        "due30": numbers.due30,
        "urgent": [obligation_id(o) for o in numbers.urgent],
        "soonest": [line.number for line in numbers.soonest_expiry],
    }


def test_dashboard_agrees_with_a_fresh_evaluation(db_url: str, seed_path: Path) -> None:
    from vats.ingest.render import synthetic_licence
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence

    engine = make_engine(db_url)
    upgrade(engine)
    expiries = (date(2026, 11, 20), date(2027, 3, 1), date(2030, 1, 1), date(2026, 9, 1))
    with session_scope(engine, actor="t") as s:
        seed = import_licence(s, path=seed_path)
        others = [
            import_licence(s, licence=dataclasses.replace(synthetic_licence(n), expiry_date=expiry))
            for n, expiry in zip((3, 5, 7, 9), expiries, strict=True)
        ]
        seed_org = seed.organisation_id
        other_org = others[0].organisation_id
    assert seed_org != other_org
    for day in (AS_OF, AS_OF + timedelta(days=45)):
        with session_scope(engine, actor="t") as s:
            numbers = views.dashboard(s, ADMIN, as_of=day)
            assert _actual(numbers) == _expected(s, day)
            assert numbers.overdue or numbers.due30  # the comparison covers obligations, not only zeros
            assert [line.number for line in numbers.expired_licences] == [
                line.number
                for line in numbers.soonest_expiry
                if line.days_left is not None and line.days_left < 0
            ]
    viewer = Principal(name="v", role=Role.VIEWER, organisations=frozenset({other_org}))  # type: ignore[arg-type]
    with session_scope(engine, actor="v", organisations={other_org}) as s:  # type: ignore[arg-type]
        numbers = views.dashboard(s, viewer, as_of=AS_OF)
        assert _actual(numbers) == _expected(s, AS_OF)
        assert numbers.licences == 1
        assert {o.licence for o in numbers.urgent} <= {others[0].number}
    engine.dispose()
