"""`audit_licence` = validation + obligation-derived findings (the rules engine's part of the audit)."""

from __future__ import annotations

from datetime import date

from factories import NUMBER, make_reference
from vats.model.findings import Severity
from vats.model.obligations import Event
from vats.rules.audit import audit_licence

AS_OF = date(2026, 11, 28)


def _by_id(findings: list, prefix: str) -> list:  # type: ignore[type-arg]
    return [f for f in findings if f.id.startswith(prefix)]


def test_without_events_missing_records_are_requests_for_evidence() -> None:
    findings = audit_licence(make_reference(), as_of=AS_OF)
    report = _by_id(findings, "obligation.no_evidence.licence.annual_report")
    assert not _by_id(findings, "obligation.overdue.licence.annual_report")
    assert report and all(f.severity is Severity.MEDIUM and "no_evidence" in f.tags for f in report)
    # the renewal duty is reported once (by validation), not twice
    assert _by_id(findings, "licence.renewal_deadline_passed")
    assert not _by_id(findings, "obligation.overdue.licence.renewal")


def test_with_events_overdue_duties_gate() -> None:
    events = [Event("illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, id="c1")]
    findings = audit_licence(make_reference(), as_of=AS_OF, events=events)
    disposal = _by_id(findings, "obligation.overdue.illegal_info.report")
    assert [f.severity for f in disposal] == [Severity.HIGH]
    assert [f.severity for f in _by_id(findings, "obligation.overdue.licence.annual_report")] == [
        Severity.HIGH
    ]
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks)


def test_renewal_applied_supersedes_validation_finding() -> None:
    applied = [Event("renewal_applied", date(2026, 7, 1), licence=NUMBER, id="r1")]
    findings = audit_licence(make_reference(), as_of=AS_OF, events=applied)
    assert not _by_id(findings, "licence.renewal_deadline")
    assert not _by_id(findings, "obligation.overdue.licence.renewal")


def test_late_filing_is_medium() -> None:
    late = [Event("annual_report_filed", date(2026, 4, 20), licence=NUMBER, fields={"year": 2025})]
    findings = audit_licence(make_reference(), as_of=AS_OF, events=late)
    assert [f.severity for f in _by_id(findings, "obligation.late.licence.annual_report")] == [
        Severity.MEDIUM
    ]
