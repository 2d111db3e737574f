"""The engine on the reference licence as of 2026-11-28 (the issue's "done when" answers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from factories import NUMBER, make_number, make_reference
from vats.model.findings import Severity
from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.rules.engine import evaluate
from vats.rules.settings import EngineSettings

AS_OF = date(2026, 11, 28)


def _one(obligations: list[Obligation], rule_id: str, subject: str | None = None) -> Obligation:
    found = [o for o in obligations if o.rule_id == rule_id and (subject is None or o.subject == subject)]
    assert len(found) == 1, [(o.rule_id, o.subject) for o in found]
    return found[0]


def test_renewal_overdue_since_july_22(reference_licence: Licence) -> None:
    ev = evaluate([reference_licence], [], AS_OF)
    renewal = _one(ev.obligations, "licence.renewal")
    assert renewal.status is ObligationStatus.OVERDUE
    assert renewal.due_date == date(2026, 7, 22)
    text = "\n".join(renewal.explanation)
    assert "2026-10-20" in text and "90" in text and "art. 201" in text
    assert any(
        f.id == "obligation.overdue.licence.renewal" and f.severity is Severity.HIGH for f in ev.findings
    )


def test_annual_report_2025_needs_evidence_and_explains_number_year(reference_licence: Licence) -> None:
    ev = evaluate([reference_licence], [], AS_OF)
    report = _one(ev.obligations, "licence.annual_report", "2025")
    assert report.window_start == date(2026, 1, 1)
    assert report.due_date == date(2026, 3, 31)
    assert report.status is ObligationStatus.OVERDUE
    assert report.evidence_required == "annual_report_filed"
    text = "\n".join(report.explanation)
    assert "2021" in text and "2026-05-20" in text  # held since the number's year, re-issued copy
    assert report.conditional is None


def test_annual_report_2026_conditional_on_renewal(reference_licence: Licence) -> None:
    ev = evaluate([reference_licence], [], AS_OF)
    report = _one(ev.obligations, "licence.annual_report", "2026")
    assert report.window_start == date(2027, 1, 1)
    assert report.due_date == date(2027, 3, 31)
    assert report.conditional is not None and "renewed" in report.conditional
    # the window end does not roll, so the date does not wait for the 2027 holiday notice
    assert not report.provisional


def test_filing_with_year_satisfies_and_late_filing_is_a_medium_finding(reference_licence: Licence) -> None:
    filed = Event(
        "annual_report_filed", date(2026, 4, 15), licence=NUMBER, id="ar-2025", fields={"year": 2025}
    )
    ev = evaluate([reference_licence], [filed], AS_OF)
    report = _one(ev.obligations, "licence.annual_report", "2025")
    assert report.status is ObligationStatus.SATISFIED
    assert report.late and report.completed_on == date(2026, 4, 15)
    assert any(
        f.id == "obligation.late.licence.annual_report" and f.severity is Severity.MEDIUM for f in ev.findings
    )


def test_disposal_report_due_ten_working_days_later(reference_licence: Licence) -> None:
    disposed = Event(
        "illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, id="c42", fields={"subject": "case:42"}
    )
    ev = evaluate([reference_licence], [disposed], AS_OF)
    report = _one(ev.obligations, "illegal_info.report", "case:42")
    assert report.due_date == date(2026, 10, 16)
    assert report.status is ObligationStatus.OVERDUE
    reported = Event("illegal_info_reported", date(2026, 10, 12), licence=None, fields={"subject": "case:42"})
    ok = _one(evaluate([reference_licence], [disposed, reported], AS_OF).obligations, "illegal_info.report")
    assert ok.status is ObligationStatus.SATISFIED and not ok.late
    other = Event("illegal_info_reported", date(2026, 10, 12), licence=NUMBER, fields={"subject": "case:43"})
    still = _one(evaluate([reference_licence], [disposed, other], AS_OF).obligations, "illegal_info.report")
    assert still.status is ObligationStatus.OVERDUE


def test_entity_change_shows_both_obligations(reference_licence: Licence) -> None:
    decided = Event(
        "entity_change_decided",
        date(2026, 11, 2),
        licence=NUMBER,
        id="chg1",
        fields={"change_kind": "shareholder", "effective_date": date(2027, 3, 1)},
    )
    obs = evaluate([reference_licence], [decided], date(2026, 11, 10)).obligations
    after = _one(obs, "change.entity.after_decision")
    before = _one(obs, "change.entity.before_effect")
    assert after.due_date == date(2026, 12, 2)
    assert before.due_date == date(2026, 12, 1)  # 2027-03-01 - 90 days
    assert after.status is ObligationStatus.DUE_SOON


def test_registration_change_kinds_route_to_different_rules(reference_licence: Licence) -> None:
    events = [
        Event(
            "registration_changed", date(2026, 6, 1), licence=NUMBER, id="r1", fields={"change_kind": "name"}
        ),
        Event(
            "registration_changed",
            date(2026, 6, 1),
            licence=NUMBER,
            id="r2",
            fields={"change_kind": "address"},
        ),
    ]
    obs = evaluate([reference_licence], events, date(2026, 6, 2)).obligations
    assert _one(obs, "change.registration").subject == "r1"
    address = _one(obs, "change.address")
    assert address.subject == "r2"
    custom = EngineSettings(numbers={"address_change_days": 10})
    assert _one(
        evaluate([reference_licence], events, date(2026, 6, 2), settings=custom).obligations, "change.address"
    ).due_date == date(2026, 6, 11)


def test_display_number_per_site_from_checks(reference_licence: Licence) -> None:
    events = [
        Event("site_check_passed", date(2026, 11, 1), licence=NUMBER, fields={"domain": "dongchedi.com"}),
        Event("site_check_failed", date(2026, 11, 20), licence=NUMBER, fields={"domain": "autoengine.com"}),
    ]
    obs = evaluate([reference_licence], events, AS_OF).obligations
    assert _one(obs, "licence.display_number", "dongchedi.com").status is ObligationStatus.SATISFIED
    assert _one(obs, "licence.display_number", "autoengine.com").status is ObligationStatus.OVERDUE
    assert _one(obs, "licence.display_number", "maichetong.com.cn").status is ObligationStatus.UPCOMING
    assert not [o for o in obs if o.rule_id == "licence.display_number" and o.subject == "dcarapi.com"]


def test_ecommerce_retention_only_with_ecommerce(reference_licence: Licence) -> None:
    ids = {o.rule_id for o in evaluate([reference_licence], [], AS_OF).obligations}
    assert {"retention.ecommerce_transactions", "retention.edi_data", "retention.network_logs"} <= ids
    b25_only = replace(reference_licence, services=reference_licence.services[:1])
    ids = {o.rule_id for o in evaluate([b25_only], [], AS_OF).obligations}
    assert "retention.ecommerce_transactions" not in ids and "retention.edi_data" not in ids


def test_cybersecurity_law_article_follows_renumbering(reference_licence: Licence) -> None:
    def articles(as_of: date) -> set[str | None]:
        o = _one(evaluate([reference_licence], [], as_of).obligations, "retention.network_logs")
        return {s.article for s in o.sources if s.instrument == "网络安全法"}

    assert articles(date(2025, 6, 1)) == {"第二十一条"}
    assert articles(AS_OF) == {"第二十三条"}


def test_grading_cycle_by_level(reference_licence: Licence) -> None:
    events = [
        Event("network_unit_graded", date(2025, 3, 1), licence=NUMBER, fields={"level": 3, "unit": "web"}),
        Event("network_unit_graded", date(2025, 3, 1), licence=NUMBER, fields={"level": 2, "unit": "app"}),
        Event("conformity_assessed", date(2025, 9, 1), licence=NUMBER, fields={"unit": "web"}),
    ]
    obs = evaluate([reference_licence], events, date(2025, 10, 1)).obligations
    assert _one(obs, "security.conformity", "web").due_date == date(2026, 9, 1)
    assert _one(obs, "security.conformity", "app").due_date == date(2027, 3, 1)
    assert _one(obs, "security.grading.filing", "web").due_date == date(2025, 3, 31)
    assert _one(obs, "security.grading.required").status is ObligationStatus.SATISFIED


def test_cancel_provincial_only_for_provincial_licences(reference_licence: Licence) -> None:
    granted = Event("cross_regional_licence_granted", date(2026, 6, 1), licence=None, id="x")
    obs = evaluate([reference_licence], [granted], date(2026, 6, 2)).obligations
    assert _one(obs, "licence.cancel_provincial").due_date == date(2026, 7, 1)
    national = replace(
        reference_licence, number="B2-20210467", number_info=make_number("B2-20210467", cross_regional=True)
    )
    assert not [
        o
        for o in evaluate([national], [granted], date(2026, 6, 2)).obligations
        if o.rule_id == "licence.cancel_provincial"
    ]


def test_waiver_and_disabled_rule(reference_licence: Licence) -> None:
    waived = Event(
        "obligation_waived",
        date(2026, 7, 1),
        licence=NUMBER,
        fields={"rule": "licence.renewal", "reason": "不再经营"},
    )
    obs = evaluate([reference_licence], [waived], AS_OF).obligations
    assert _one(obs, "licence.renewal").status is ObligationStatus.WAIVED
    off = EngineSettings(disabled_rules=frozenset({"licence.renewal"}))
    assert not [
        o
        for o in evaluate([reference_licence], [], AS_OF, settings=off).obligations
        if o.rule_id == "licence.renewal"
    ]


def test_sorted_overdue_first_then_by_due_date_and_deterministic(reference_licence: Licence) -> None:
    events = [Event("complaint_received", date(2026, 11, 20), licence=NUMBER, id="cp1")]
    first = evaluate([reference_licence], events, AS_OF)
    again = evaluate([reference_licence], list(reversed(events)), AS_OF)
    assert first == again
    statuses = [o.status is ObligationStatus.OVERDUE for o in first.obligations]
    assert statuses == sorted(statuses, reverse=True)
    dated = [o.due_date for o in first.obligations if o.status is not ObligationStatus.OVERDUE and o.due_date]
    assert dated == sorted(dated)


def test_due_soon_horizon_is_configurable(reference_licence: Licence) -> None:
    events = [Event("complaint_received", date(2026, 11, 20), licence=NUMBER, id="cp1")]
    o = _one(evaluate([reference_licence], events, AS_OF).obligations, "complaint.reply")
    assert o.status is ObligationStatus.DUE_SOON and o.due_date == date(2026, 12, 7)  # 12-05 is a Saturday
    later = evaluate([reference_licence], events, AS_OF, settings=EngineSettings(due_soon_days=3))
    assert _one(later.obligations, "complaint.reply").status is ObligationStatus.UPCOMING


def test_licence_issued_this_year_needs_no_report_for_last_year() -> None:
    from factories import make_reference

    fresh = replace(
        make_reference(),
        number="渝B2-20260001",
        number_info=make_number("渝B2-20260001", year=2026),
        expiry_date=date(2031, 5, 20),
    )
    o = _one(evaluate([fresh], [], date(2026, 6, 1)).obligations, "licence.annual_report", "2025")
    assert o.status is ObligationStatus.NOT_APPLICABLE


def test_shared_explanations_follow_each_licences_renewal_state(reference_licence: Licence) -> None:
    current = replace(reference_licence, number="渝B2-20210468", expiry_date=date(2030, 1, 1))
    obs = evaluate([reference_licence, current], [], AS_OF).obligations
    for number, expired in ((NUMBER, True), ("渝B2-20210468", False)):
        o = next(o for o in obs if o.rule_id == "retention.order292_records" and o.licence == number)
        text = "\n".join(o.explanation)
        assert ("renewed" in text) is expired and "bulletin-board" in text
        assert ("renewed" in (o.conditional or "")) is expired


def test_unknown_issue_date_still_requires_the_annual_report(reference_licence: Licence) -> None:
    undated = replace(reference_licence, issue_date=None, number_info=make_number(year=None))
    o = _one(evaluate([undated], [], AS_OF).obligations, "licence.annual_report", "2025")
    assert o.status is ObligationStatus.OVERDUE
    assert any("no issue date" in line for line in o.explanation)


def test_shared_explanation_heads_never_name_another_licence(reference_licence: Licence) -> None:
    twin = replace(reference_licence, number="渝B2-20219999", expiry_date=date(2026, 11, 1))
    obs = evaluate([reference_licence, twin], [], AS_OF).obligations
    for o in obs:
        other = "渝B2-20219999" if o.licence == NUMBER else NUMBER
        assert not any(other in line for line in o.explanation), (o.rule_id, o.licence)
        other_expiry = "2026-11-01" if o.licence == NUMBER else "2026-10-20"
        if o.due_date is None:
            assert not any(other_expiry in line for line in o.explanation), (o.rule_id, o.licence)
    scope = next(o for o in obs if o.rule_id == "licence.scope")
    assert any("不含信息搜索查询服务" in line for line in scope.explanation)


def test_window_obligations_shared_between_licences_stay_their_own(reference_licence: Licence) -> None:
    a = replace(
        reference_licence,
        number="渝B2-20240001",
        number_info=make_number("渝B2-20240001", year=2024),
        issue_date=date(2024, 3, 1),
        expiry_date=date(2026, 10, 20),
    )
    b = replace(
        a,
        number="渝B2-20240002",
        number_info=make_number("渝B2-20240002", year=2024),
        expiry_date=date(2026, 9, 1),
    )
    filed = Event("annual_report_filed", date(2026, 2, 1), licence="渝B2-20240002", fields={"year": 2025})
    obs = evaluate([a, b], [filed], AS_OF).obligations
    ra, rb = (
        _one([o for o in obs if o.licence == n], "licence.annual_report", "2026")
        for n in (a.number, b.number)
    )
    assert ra.explanation == rb.explanation and "2026-10-20" in (ra.conditional or "")
    assert "2026-09-01" in (rb.conditional or "")
    sa, sb = (
        _one([o for o in obs if o.licence == n], "licence.annual_report", "2025")
        for n in (a.number, b.number)
    )
    assert sa.status is ObligationStatus.OVERDUE and sb.status is ObligationStatus.SATISFIED


def test_a_waiver_applies_to_its_own_licence_only(reference_licence: Licence) -> None:
    OTHER = "渝B2-20210468"  # noqa: N806
    other = replace(
        reference_licence,
        number=OTHER,
        number_info=replace(reference_licence.number_info, canonical="渝B2-20210468", serial="0468"),
    )
    waived = Event(
        "obligation_waived",
        date(2026, 7, 1),
        licence=NUMBER,
        fields={"rule": "licence.renewal", "reason": "不再经营"},
    )
    obs = evaluate([reference_licence, other], [waived], AS_OF).obligations
    renewal = {o.licence: o.status for o in obs if o.rule_id == "licence.renewal"}
    assert renewal == {NUMBER: ObligationStatus.WAIVED, OTHER: ObligationStatus.OVERDUE}
    # a holder-wide waiver (no licence) covers every licence
    everywhere = replace(waived, licence=None)
    obs = evaluate([reference_licence, other], [everywhere], AS_OF).obligations
    assert {o.status for o in obs if o.rule_id == "licence.renewal"} == {ObligationStatus.WAIVED}


def test_a_retracted_event_no_longer_counts() -> None:
    """Corrections retract the wrong event and record the right one; only the right one counts."""
    from vats.rules.engine import without_retracted

    licence = make_reference()
    wrong = Event("illegal_info_disposed", date(2026, 9, 28), NUMBER, id="e1", fields={"subject": "case:1"})
    right = Event("illegal_info_disposed", date(2026, 10, 9), NUMBER, id="e2", fields={"subject": "case:1"})
    retraction = Event(
        "event_retracted", date(2026, 11, 2), NUMBER, id="e3", fields={"event": "e1", "reason": "录入错误"}
    )
    before = [
        o for o in evaluate([licence], [wrong], AS_OF).obligations if o.rule_id == "illegal_info.report"
    ]
    after = [
        o
        for o in evaluate([licence], [wrong, retraction, right], AS_OF).obligations
        if o.rule_id == "illegal_info.report"
    ]
    assert [o.due_date for o in before] == [date(2026, 10, 16)]
    assert [(o.event_id, o.due_date) for o in after] == [("e2", date(2026, 10, 22))]  # 10-10 is a make-up day
    unknown = Event(
        "event_retracted", date(2026, 11, 2), NUMBER, id="e4", fields={"event": "nope", "reason": "x"}
    )
    assert without_retracted([wrong, unknown]) == [wrong]
    events = [wrong, right]
    assert without_retracted(events) is events  # nothing retracted: the list itself, no copy
