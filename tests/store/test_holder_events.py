"""Holder-wide events (licence NULL) concern the licences of their organisation only; those recorded
without an organisation concern every licence. The same on every read path: the stored-event reader,
the cached `vats status`, its uncached twin and the web/API portfolio."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from store.helpers import make_licence
from vats.api import views
from vats.api.deps import Principal, Role
from vats.model.obligations import Event, ObligationStatus
from vats.store.db import session_scope
from vats.store.events import events_of_licences, holder_wide_events, list_events, record_event
from vats.store.licences import import_licence, load_domain_licences
from vats.store.obligation_cache import CachedObligation
from vats.store.obligation_refresh import refresh_obligation_cache
from vats.store.organisations import add_organisation

AS_OF = date(2026, 11, 28)
RULE = "privacy.self_inspection"  # applies to every licence: each licence has one per year


def _two_clients(engine: Engine) -> tuple[str, str, int]:
    """Two clients' licences of the same shape; client A's holder-wide waiver of RULE."""
    with session_scope(engine, actor="t") as s:
        a = add_organisation(s, name="客户甲").id
        b = add_organisation(s, name="客户乙").id
        first = import_licence(s, licence=make_licence(3), organisation_id=a).number
        second = import_licence(s, licence=make_licence(11), organisation_id=b).number
        waiver = Event(
            "obligation_waived", date(2026, 1, 2), None, fields={"rule": RULE, "reason": "甲方豁免"}
        )
        record_event(s, event=waiver, organisation_id=a)
    return first, second, a


def _waived(obligations: object, number: str) -> bool:
    mine = [o for o in obligations if o.licence == number and o.rule_id == RULE]  # type: ignore[attr-defined]
    assert mine, number
    return all(o.status is ObligationStatus.WAIVED for o in mine)


def test_the_event_readers_agree(engine: Engine) -> None:
    first, second, a = _two_clients(engine)
    with session_scope(engine, actor="t") as s:
        holder = holder_wide_events(s)
        assert list(holder) == [a]
        licences = {lic.number: lic for lic in load_domain_licences(s)}
        own_a, own_b = events_of_licences(s, [(licences[first], a), (licences[second], a + 1)], holder=holder)
        assert [e.type for e in own_a] == ["obligation_waived"] and own_b == []
        assert [e.type for e in list_events(s, licence=first)] == ["obligation_waived"]
        assert list_events(s, licence=second) == []


def test_cached_status_and_web_portfolio_waive_for_the_right_client_only(engine: Engine) -> None:
    first, second, _a = _two_clients(engine)
    with session_scope(engine, actor="t") as s:
        refresh_obligation_cache(s, as_of=AS_OF)
        rows = s.execute(
            select(CachedObligation.licence, CachedObligation.fixed_status).where(
                CachedObligation.rule_id == RULE
            )
        ).all()
        portfolio = views.portfolio(s, Principal(name="admin", role=Role.ADMIN), as_of=AS_OF)
    assert {status for number, status in rows if number == first} == {"waived"}
    assert "waived" not in {status for number, status in rows if number == second}
    assert _waived(portfolio.obligations, first) and not _waived(portfolio.obligations, second)


def test_an_event_without_organisation_concerns_every_licence(engine: Engine) -> None:
    first, second, _a = _two_clients(engine)
    with session_scope(engine, actor="t") as s:
        everyone = Event("obligation_waived", date(2026, 1, 3), None, fields={"rule": RULE, "reason": "全体"})
        record_event(s, event=everyone)  # no licence, no organisation
    with session_scope(engine, actor="t") as s:
        portfolio = views.portfolio(s, Principal(name="admin", role=Role.ADMIN), as_of=AS_OF)
        assert len(list_events(s, licence=second)) == 1
    assert _waived(portfolio.obligations, first) and _waived(portfolio.obligations, second)
