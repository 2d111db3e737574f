"""The portfolio order (overdue first, then by due date, undated last; ties by licence, rule, subject)
is built licence by licence (`Ordering`): it must equal one sort by the full key, whatever the input."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vats.ingest.render import synthetic_licence
from vats.model.obligations import Event, Obligation, ObligationStatus, RuleKind
from vats.rules.engine import evaluate
from vats.rules.engine.ordering import Ordering, sort_key
from vats.rules.findings import obligation_findings

AS_OF = date(2026, 11, 28)
TYPES = ["illegal_info_disposed", "complaint_received", "incident_occurred", "network_unit_graded"]
ANSWERS = {"illegal_info_disposed": "illegal_info_reported", "complaint_received": "complaint_replied"}


def _portfolio(count: int, seed: int) -> tuple[list, list[Event]]:
    rng = random.Random(seed)
    licences = [synthetic_licence(i) for i in range(count)]
    events: list[Event] = []
    for i in range(count * 8):
        lic = rng.choice(licences)
        kind = rng.choice(TYPES)
        day = date(2025, 6, 1) + timedelta(days=rng.randrange(540))
        fields = {"subject": f"s{i}"} if kind != "network_unit_graded" else {"unit": "u1", "level": 2}
        events.append(Event(kind, day, licence=lic.number, id=f"e{i}", fields=fields))
        if kind in ANSWERS and rng.random() < 0.5:
            late = timedelta(days=rng.randrange(30))
            events.append(Event(ANSWERS[kind], day + late, licence=lic.number, id=f"a{i}", fields=fields))
    return licences, events


def _keys(obligations: list[Obligation]) -> list[tuple]:
    return [sort_key(o) for o in obligations]


def test_portfolio_comes_out_in_full_key_order() -> None:
    licences, events = _portfolio(150, seed=3)
    result = evaluate(licences, events, AS_OF)
    obligations = result.obligations
    assert len(obligations) > 3000
    assert _keys(obligations) == sorted(_keys(obligations))
    # findings are taken from the dated obligations only: the same as from all of them
    assert result.findings == obligation_findings(obligations) and len(result.findings) > 100


def test_a_licence_given_twice_still_sorts_by_the_full_key() -> None:
    licences, events = _portfolio(40, seed=5)
    twice = licences + licences[:10]
    obligations = evaluate(twice, events, AS_OF).obligations
    assert _keys(obligations) == sorted(_keys(obligations))
    once = evaluate(licences, events, AS_OF).obligations
    assert len(obligations) > len(once)


def _obligation(licence: str, rule: str, subject: str | None, due: date | None, overdue: bool) -> Obligation:
    status = ObligationStatus.OVERDUE if overdue else ObligationStatus.UPCOMING
    return Obligation(rule, licence, "t", "t", RuleKind.EVENT, status, due, subject=subject)


_ITEMS = st.lists(
    st.tuples(
        st.sampled_from(["L1", "L2", "L3"]),
        st.sampled_from(["r.a", "r.b", "r.c"]),
        st.sampled_from([None, "a", "b", "c"]),
        st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 1, 20))),
        st.booleans(),
    ),
    max_size=40,
)


@given(_ITEMS)
def test_ordering_equals_one_full_key_sort(items: list) -> None:
    """Any mix, including None beside text subjects (the slower-key path)."""
    obligations = [_obligation(*item) for item in items]
    order = Ordering()
    for licence in sorted({o.licence for o in obligations}):  # the engine's licence order
        order.file([o for o in obligations if o.licence == licence], len(order.undated))
    result = order.result()[0]
    assert sorted(map(id, result)) == sorted(map(id, obligations))
    assert _keys(result) == sorted(_keys(obligations))
