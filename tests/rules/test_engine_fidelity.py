"""Rules fidelity (issue 19): dates checked against regulations.md, one test per item."""

from __future__ import annotations

from datetime import date

import pytest

from factories import NUMBER
from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.rules.engine import evaluate


def _one(obligations: list[Obligation], rule_id: str, subject: str | None = None) -> Obligation:
    found = [o for o in obligations if o.rule_id == rule_id and (subject is None or o.subject == subject)]
    assert len(found) == 1, [(o.rule_id, o.subject) for o in found]
    return found[0]


# -- 3. a window end that must not roll ---------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "year", "due"),
    [
        (date(2024, 3, 1), "2023", date(2024, 3, 31)),  # Sunday: the system locks, no roll to 04-01
        (date(2029, 3, 1), "2028", date(2029, 3, 31)),  # Saturday
        (date(2030, 3, 1), "2029", date(2030, 3, 31)),  # Sunday
    ],
)
def test_annual_report_window_ends_on_31_march_even_on_a_rest_day(
    reference_licence: Licence, as_of: date, year: str, due: date
) -> None:
    report = _one(evaluate([reference_licence], [], as_of).obligations, "licence.annual_report", year)
    assert report.due_date == due
    text = "\n".join(report.explanation)
    assert "does not roll" in text and "art. 203" not in text


# -- 1. re-grading under Order 11 ---------------------------------------------------------------


def _graded(day: date, level: int) -> Event:
    return Event("network_unit_graded", day, licence=NUMBER, fields={"level": level, "unit": "web"})


def test_regrading_needs_a_new_assessment_within_90_days(reference_licence: Licence) -> None:
    events = [_graded(date(2025, 10, 20), 3), _graded(date(2026, 8, 20), 2)]
    obs = evaluate([reference_licence], events, date(2026, 9, 1)).obligations
    again = _one(obs, "security.conformity.after_regrading", "web")
    assert again.due_date == date(2026, 11, 18)  # 90 days after 2026-08-20, a Wednesday
    assert again.status is ObligationStatus.UPCOMING
    # the cycle restarts from the re-grading (level 2: two years), beside the 90-day re-assessment
    assert _one(obs, "security.conformity", "web").due_date == date(2028, 8, 21)


def test_first_grading_is_not_a_regrading(reference_licence: Licence) -> None:
    obs = evaluate([reference_licence], [_graded(date(2025, 10, 20), 3)], date(2026, 9, 1)).obligations
    assert not [o for o in obs if o.rule_id == "security.conformity.after_regrading"]


def test_assessment_after_regrading_satisfies_it_and_starts_the_30_day_upload(
    reference_licence: Licence,
) -> None:
    assessed = Event("conformity_assessed", date(2026, 11, 10), licence=NUMBER, fields={"unit": "web"})
    events = [_graded(date(2025, 10, 20), 3), _graded(date(2026, 8, 20), 2), assessed]
    obs = evaluate([reference_licence], events, date(2026, 11, 28)).obligations
    assert _one(obs, "security.conformity.after_regrading", "web").status is ObligationStatus.SATISFIED
    upload = _one(obs, "security.conformity.upload", "web")
    assert upload.due_date == date(2026, 12, 10)
    assert _one(obs, "security.conformity", "web").due_date == date(2028, 11, 10)
    uploaded = Event("conformity_results_uploaded", date(2026, 12, 1), licence=NUMBER, fields={"unit": "web"})
    done = evaluate([reference_licence], [*events, uploaded], date(2026, 12, 2)).obligations
    assert _one(done, "security.conformity.upload", "web").status is ObligationStatus.SATISFIED


# -- 2. deadlines in hours ----------------------------------------------------------------------


def _incident(discovered: str | None = "2026-11-20T09:15") -> Event:
    fields = {"subject": "incident:7", "occurred_at": "2026-11-20T08:40"}
    if discovered is not None:
        fields["discovered_at"] = discovered
    return Event("incident_occurred", date(2026, 11, 20), licence=NUMBER, fields=fields)


def test_incident_report_due_24_hours_after_discovery_to_the_minute(reference_licence: Licence) -> None:
    report = _one(
        evaluate([reference_licence], [_incident()], date(2026, 11, 20)).obligations, "incident.report"
    )
    assert report.due_at is not None
    assert report.due_at.strftime("%Y-%m-%d %H:%M %z") == "2026-11-21 09:15 +0800"
    assert report.due_date == date(2026, 11, 21)
    text = "\n".join(report.explanation)
    assert "Civil Code art. 201)" not in text and "2026-11-21 09:15" in text
    assert "art. 10" in text and "第一时间" in text


def test_incident_report_hours_setting_gives_a_time_two_hours_after_discovery(
    reference_licence: Licence,
) -> None:
    from vats.rules.settings import EngineSettings

    settings = EngineSettings(numbers={"incident_report_hours": 2})
    obs = evaluate([reference_licence], [_incident()], date(2026, 11, 20), settings=settings).obligations
    report = _one(obs, "incident.report")
    assert report.due_at is not None and report.due_at.strftime("%Y-%m-%d %H:%M") == "2026-11-20 11:15"
    assert report.due_date == date(2026, 11, 20)


def test_a_report_after_the_due_time_on_the_same_day_is_late(reference_licence: Licence) -> None:
    from vats.rules.settings import EngineSettings

    settings = EngineSettings(numbers={"incident_report_hours": 2})
    reported = Event(
        "incident_reported",
        date(2026, 11, 20),
        licence=NUMBER,
        fields={"subject": "incident:7", "reported_at": "2026-11-20T13:00"},
    )
    obs = evaluate(
        [reference_licence], [_incident(), reported], date(2026, 11, 21), settings=settings
    ).obligations
    report = _one(obs, "incident.report")
    assert report.status is ObligationStatus.SATISFIED and report.late


def test_incident_without_a_discovery_time_counts_from_midnight(reference_licence: Licence) -> None:
    report = _one(
        evaluate([reference_licence], [_incident(None)], date(2026, 11, 20)).obligations, "incident.report"
    )
    assert report.due_at is not None and report.due_at.strftime("%Y-%m-%d %H:%M") == "2026-11-21 00:00"
    assert "conservative" in "\n".join(report.explanation)


def test_day_deadlines_have_no_due_time(reference_licence: Licence) -> None:
    disposed = Event("illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, fields={"subject": "c"})
    report = _one(
        evaluate([reference_licence], [disposed], date(2026, 11, 28)).obligations, "illegal_info.report"
    )
    assert report.due_at is None and report.due_date == date(2026, 10, 16)


# -- 4. renumbered Cybersecurity Law articles, with the fact sheet's reliability ----------------


def test_network_logs_renumbering_rests_on_a_reprint(reference_licence: Licence) -> None:
    logs = _one(evaluate([reference_licence], [], date(2026, 11, 28)).obligations, "retention.network_logs")
    art23 = [s for s in logs.sources if s.article == "第二十三条"]
    assert art23 and art23[0].reliability.value == "reprint"


def test_disposal_after_2026_cites_the_renumbered_article(reference_licence: Licence) -> None:
    disposed = Event("illegal_info_disposed", date(2026, 3, 2), licence=NUMBER, fields={"subject": "c1"})
    report = _one(
        evaluate([reference_licence], [disposed], date(2026, 3, 10)).obligations, "illegal_info.report"
    )
    csl = [s for s in report.sources if s.instrument == "网络安全法"]
    assert [(s.article, s.reliability.value) for s in csl] == [("第四十九条", "unconfirmed")]
    before = Event("illegal_info_disposed", date(2025, 12, 1), licence=NUMBER, fields={"subject": "c0"})
    old = _one(evaluate([reference_licence], [before], date(2025, 12, 5)).obligations, "illegal_info.report")
    assert [s.article for s in old.sources if s.instrument == "网络安全法"] == ["第四十七条"]


# -- 6. the address change rests on practice ----------------------------------------------------


def test_address_change_cites_practice_not_order_42_art_29(reference_licence: Licence) -> None:
    moved = Event("registration_changed", date(2026, 9, 1), licence=NUMBER, fields={"change_kind": "address"})
    ob = _one(evaluate([reference_licence], [moved], date(2026, 9, 2)).obligations, "change.address")
    assert all(s.article != "第二十九条" for s in ob.sources)
    assert {s.reliability.value for s in ob.sources} == {"practice"}


# -- 7. stopping the business -------------------------------------------------------------------


def test_stopping_the_business_gives_90_30_and_30_day_duties(reference_licence: Licence) -> None:
    stop = Event(
        "business_stop_decided",
        date(2026, 6, 1),
        licence=NUMBER,
        fields={"subject": "stop:1", "stop_date": date(2026, 12, 31)},
    )
    obs = evaluate([reference_licence], [stop], date(2026, 6, 2)).obligations
    # 90 days before 2026-12-31 is 2026-10-02, inside the National Day holiday: moved earlier, to 09-30
    assert _one(obs, "stop.telecom_application").due_date == date(2026, 9, 30)
    assert _one(obs, "stop.ecommerce_announcement").due_date == date(2026, 12, 1)
    term = _one(obs, "stop.termination_application")
    assert term.due_date == date(2026, 7, 1)
    assert any(s.reliability.value == "practice" for s in term.sources)


# -- 8. change of service items or website address ----------------------------------------------


def test_website_address_change_is_filed_30_days_before(reference_licence: Licence) -> None:
    planned = Event(
        "service_change_planned",
        date(2026, 8, 1),
        licence=NUMBER,
        fields={"change_kind": "website_address", "effective_date": date(2026, 10, 12)},
    )
    ob = _one(
        evaluate([reference_licence], [planned], date(2026, 8, 2)).obligations, "change.icp_items_or_address"
    )
    assert ob.due_date == date(2026, 9, 11)  # 30 days before 2026-10-12, a Friday
    assert {s.article for s in ob.sources} == {"第十一条", "第十四条"}


# -- 9. access providers' records ---------------------------------------------------------------


def test_access_records_only_for_b14(reference_licence: Licence) -> None:
    from dataclasses import replace

    from vats.model.licence import Service

    obs = evaluate([reference_licence], [], date(2026, 9, 1)).obligations
    assert not [o for o in obs if o.rule_id == "retention.access_records"]
    isp = replace(reference_licence, services=(Service("B14", "互联网接入服务业务", coverage=("重庆市",)),))
    rec = _one(evaluate([isp], [], date(2026, 9, 1)).obligations, "retention.access_records")
    assert "60" in "\n".join(rec.explanation)


# -- 10. data-law duties fire only for the organisations whose profile says so ------------------


def test_data_law_duties_follow_the_organisation_profile(reference_licence: Licence) -> None:
    as_of = date(2026, 9, 1)
    plain = {o.rule_id for o in evaluate([reference_licence], [], as_of).obligations}
    conditional = {
        "data.important_risk_assessment",
        "privacy.social_responsibility_report",
        "privacy.impact_assessment",
        "privacy.breach_remediation",
        "retention.data_provision_records",
    }
    assert not plain & conditional
    assert "conduct.real_name" in plain  # by service type (B25), not by profile
    profile = frozenset({"important_data_processor", "large_platform"})
    obs = evaluate([reference_licence], [], as_of, profiles={NUMBER: profile}).obligations
    risk = _one(obs, "data.important_risk_assessment", "2026")
    assert risk.due_date == date(2026, 12, 31)
    assert {s.article for s in risk.sources} >= {"第三十三条", "第二十九条", "第三十条"}
    assert "重要数据处理者" in "\n".join(risk.explanation)
    assert _one(obs, "privacy.social_responsibility_report", "2026").due_date == date(2026, 12, 31)
    assert "privacy.impact_assessment" not in {o.rule_id for o in obs}


# -- 11. the market regulator's company annual report ---------------------------------------------


def test_samr_company_report_due_30_june_without_rolling(reference_licence: Licence) -> None:
    obs = evaluate([reference_licence], [], date(2026, 3, 1)).obligations
    report = _one(obs, "company.annual_report_samr", "2025")
    assert report.window_start == date(2026, 1, 1) and report.due_date == date(2026, 6, 30)
    # 2024-06-30 and 2029-06-30 fall on a Sunday and a Saturday: the window still ends that day
    early = evaluate([reference_licence], [], date(2024, 5, 1)).obligations
    assert _one(early, "company.annual_report_samr", "2023").due_date == date(2024, 6, 30)


# -- 12. renewal conditions ---------------------------------------------------------------------


def test_renewal_explains_its_conditions(reference_licence: Licence) -> None:
    renewal = _one(evaluate([reference_licence], [], date(2026, 6, 1)).obligations, "licence.renewal")
    text = "\n".join(renewal.explanation)
    assert "proof that the services were actually launched" in text and "never launched" in text


# -- 6. labels: the company-region note, the roll-forward basis, audit honouring --settings -----


def test_company_region_note_does_not_claim_a_fact_sheet_section() -> None:
    from vats.rules.validate import SRC_COMPANY_REGION

    assert SRC_COMPANY_REGION.reliability.value == "unconfirmed"
    assert SRC_COMPANY_REGION.article is None and "regulations.md" not in SRC_COMPANY_REGION.instrument


def test_roll_forward_step_says_its_basis_is_unconfirmed(reference_licence: Licence) -> None:
    # 30 days after 2026-09-01 is 2026-10-01, National Day: rolled forward under art. 203
    moved = Event("registration_changed", date(2026, 9, 1), licence=NUMBER, fields={"change_kind": "name"})
    ob = _one(evaluate([reference_licence], [moved], date(2026, 9, 2)).obligations, "change.registration")
    assert ob.due_date == date(2026, 10, 8)
    assert "UNCONFIRMED" in "\n".join(ob.explanation)


def test_validation_reads_the_renewal_days_from_the_settings(reference_licence: Licence) -> None:
    from vats.rules.audit import audit_licence
    from vats.rules.settings import EngineSettings

    settings = EngineSettings(numbers={"renewal_days_before": 120})
    findings = audit_licence(reference_licence, as_of=date(2026, 6, 1), settings=settings)
    renewal = [f for f in findings if f.id.startswith("licence.renewal_deadline")]
    assert renewal and "2026-06-22" in renewal[0].message_en


# -- 5. "held since": an inference, labelled; a user-set first-issue date wins ------------------


def test_held_since_inference_is_labelled_unconfirmed(reference_licence: Licence) -> None:
    report = _one(
        evaluate([reference_licence], [], date(2026, 11, 28)).obligations, "licence.annual_report", "2025"
    )
    text = "\n".join(report.explanation)
    assert "inference" in text and "unconfirmed" in text


def test_first_issue_date_set_by_the_user_wins(reference_licence: Licence) -> None:
    from dataclasses import replace

    reissued = replace(reference_licence, first_issued=date(2026, 5, 20))
    obs = evaluate([reissued], [], date(2026, 11, 28)).obligations
    report = _one(obs, "licence.annual_report", "2025")
    assert report.status is ObligationStatus.NOT_APPLICABLE
    assert "set by the user" in "\n".join(report.explanation)
    earlier = replace(reference_licence, first_issued=date(2023, 7, 1))
    held = _one(evaluate([earlier], [], date(2024, 3, 1)).obligations, "licence.annual_report", "2023")
    assert held.due_date == date(2024, 3, 31) and "2023-07-01" in "\n".join(held.explanation)


def test_long_settled_hour_deadlines_stay_outside_the_look_back(reference_licence: Licence) -> None:
    reported = Event(
        "incident_reported",
        date(2024, 3, 1),
        licence=NUMBER,
        fields={"subject": "incident:1", "reported_at": "2024-03-01T10:00"},
    )
    old = Event(
        "incident_occurred",
        date(2024, 3, 1),
        licence=NUMBER,
        fields={"subject": "incident:1", "discovered_at": "2024-03-01T09:00"},
    )
    obs = evaluate([reference_licence], [old, reported], date(2026, 11, 28)).obligations
    assert not [o for o in obs if o.rule_id == "incident.report"]
