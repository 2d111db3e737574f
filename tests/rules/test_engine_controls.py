"""Controls with freshness: due now until attested, done for the period, then due soon and overdue."""

from __future__ import annotations

from datetime import date

from vats.ingest.render import synthetic_licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.rules.controls import control_row, is_control
from vats.rules.engine import evaluate
from vats.rules.engine.validity import Validity
from vats.rules.settings import EngineSettings

RULE = "security.staff_filing"


def _one(events: list[Event], as_of: date, settings: EngineSettings | None = None) -> Obligation:
    licence = synthetic_licence(1)
    result = evaluate([licence], events, as_of, settings=settings)
    return next(o for o in result.obligations if o.rule_id == RULE)


def _attest(on: date, rule: str = RULE, licence: str | None = None, ident: str = "ev-1") -> Event:
    number = licence or synthetic_licence(1).number
    return Event("control_attested", on, licence=number, id=ident, fields={"rule": rule})


def test_never_attested_is_due_now_with_a_chinese_reason() -> None:
    ob = _one([], date(2026, 11, 28))
    assert ob.status is ObligationStatus.DUE_SOON and ob.due_date is None
    text = "\n".join(ob.explanation)
    assert "从未复核确认" in text and "每 12个月复核一次" in text and "应立即复核确认" in text
    row = control_row(ob)
    assert row.periodic and row.last_on is None and row.next_review is None
    assert row.status_zh == "应立即复核（从未复核）"


def test_a_fresh_attestation_is_done_until_the_review_date() -> None:
    ob = _one([_attest(date(2026, 3, 1))], date(2026, 11, 28))
    assert ob.status is ObligationStatus.SATISFIED and ob.due_date == date(2027, 3, 1)
    row = control_row(ob)
    assert (row.last_on, row.last_event, row.next_review) == (date(2026, 3, 1), "ev-1", date(2027, 3, 1))
    assert "下次复核日期 2027-03-01" in "\n".join(ob.explanation)


def test_it_turns_due_soon_then_overdue_as_the_attestation_ages() -> None:
    events = [_attest(date(2025, 12, 10))]
    assert _one(events, date(2026, 11, 28)).status is ObligationStatus.DUE_SOON
    late = _one(events, date(2026, 12, 11))
    assert late.status is ObligationStatus.OVERDUE and late.due_date == date(2026, 12, 10)
    assert control_row(late).last_on == date(2025, 12, 10)


def test_the_latest_attestation_of_this_control_counts_and_others_do_not() -> None:
    events = [
        _attest(date(2024, 1, 5), ident="a"),
        _attest(date(2026, 6, 1), rule="retention.network_logs", ident="b"),
        _attest(date(2026, 2, 1), ident="c"),
    ]
    ob = _one(events, date(2026, 11, 28))
    assert ob.status is ObligationStatus.SATISFIED and ob.satisfied_by == "c"
    never = _one([_attest(date(2026, 6, 1), rule="retention.network_logs")], date(2026, 11, 28))
    assert never.status is ObligationStatus.DUE_SOON and never.due_date is None


def test_the_period_is_a_setting() -> None:
    settings = EngineSettings(numbers={"attest_security_staff_months": 3})
    ob = _one([_attest(date(2026, 3, 1))], date(2026, 11, 28), settings)
    assert ob.status is ObligationStatus.OVERDUE and ob.due_date == date(2026, 6, 1)


def test_a_waiver_covers_a_control_never_attested() -> None:
    number = synthetic_licence(1).number
    waiver = Event(
        "obligation_waived", date(2026, 1, 1), licence=number, id="w", fields={"rule": RULE, "reason": "x"}
    )
    assert _one([waiver], date(2026, 11, 28)).status is ObligationStatus.WAIVED


def test_never_attested_controls_make_no_findings_and_stay_in_the_control_list() -> None:
    licence = synthetic_licence(1)
    result = evaluate([licence], [], date(2026, 11, 28))
    assert not [f for f in result.findings if RULE in f.id]
    ob = next(o for o in result.obligations if o.rule_id == RULE)
    assert is_control(ob)


def test_a_cached_done_control_is_valid_until_it_turns_due_soon() -> None:
    licence = synthetic_licence(1)
    as_of = date(2026, 11, 28)
    settings = EngineSettings()
    obligations = evaluate([licence], [_attest(date(2026, 3, 1))], as_of, settings=settings).obligations
    until = Validity(as_of, settings).valid_until(licence, {}, obligations)
    assert until <= date(2027, 1, 29)  # 2027-03-01 less 30 days due soon, less one
