"""Findings derived from obligations: what a compliance officer must act on, most serious first.

- overdue -> high (gates `vats audit`, exit 1): the duty was not met in time;
- satisfied but late -> medium "reported late": met, but after the deadline (a regulator may still act);
- due soon -> low; provisional dates -> info (the holiday notice for that year is not loaded).
"""

from __future__ import annotations

from collections.abc import Iterable

from vats.model.findings import Evidence, Finding, Severity
from vats.model.obligations import Obligation, ObligationStatus
from vats.rules.engine import frozen_builder

_new_finding = frozen_builder(Finding)
_new_evidence = frozen_builder(Evidence)


def _evidence(o: Obligation) -> tuple[Evidence, ...]:
    due = None if o.due_date is None else o.due_date.isoformat()
    return (_new_evidence("due_date", due, None, o.rule_id),)  # field, value, line, note


def _finding(o: Obligation, kind: str, severity: Severity, zh: str, en: str) -> Finding:
    # positional, in Finding's field order (id, severity, zh, en, licence, subject, evidence, sources, tags)
    return _new_finding(
        f"obligation.{kind}.{o.rule_id}",
        severity,
        zh,
        en,
        o.licence,
        o.subject,
        _evidence(o),
        o.sources,
        ("obligation", kind),
    )


def finding_for(o: Obligation) -> Finding | None:
    """The finding one obligation implies, or None when it needs no attention."""
    subject = f"（{o.subject}）" if o.subject else ""
    subject_en = f" ({o.subject})" if o.subject else ""
    title_zh, title_en = f"{o.title_zh}{subject}", f"{o.title_en}{subject_en}"
    evidence = o.evidence_required or "-"
    if o.status is ObligationStatus.OVERDUE and o.conditional is None:
        return _finding(
            o,
            "overdue",
            Severity.HIGH,
            f"{title_zh}自 {o.due_date} 起已逾期，需提供证据：{evidence}",
            f"{title_en} is overdue since {o.due_date}; evidence needed: {evidence}",
        )
    if o.status is ObligationStatus.SATISFIED and o.late:
        return _finding(
            o,
            "late",
            Severity.MEDIUM,
            f"{title_zh}逾期完成：期限 {o.due_date}，完成于 {o.completed_on}",
            f"{title_en} reported late: due {o.due_date}, done {o.completed_on}",
        )
    if o.status is ObligationStatus.DUE_SOON:
        return _finding(
            o,
            "due_soon",
            Severity.LOW,
            f"{title_zh}将于 {o.due_date} 到期",
            f"{title_en} is due on {o.due_date}",
        )
    if o.status is ObligationStatus.OVERDUE:  # overdue but conditional (e.g. only if renewed)
        return _finding(
            o,
            "conditional",
            Severity.INFO,
            f"{title_zh}期限 {o.due_date} 已过（{o.conditional}）",
            f"{title_en} passed its date {o.due_date} ({o.conditional})",
        )
    return None


def obligation_findings(obligations: Iterable[Obligation]) -> list[Finding]:
    """Findings for every obligation that needs attention, most serious first (stable order)."""
    attention = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON)
    candidates = (o for o in obligations if o.status in attention or o.late)
    found = [f for f in map(finding_for, candidates) if f is not None]
    rank = {severity: i for i, severity in enumerate(Severity)}  # Severity.rank, without a list per call
    found.sort(key=lambda f: (rank[f.severity], f.licence or "", f.id, f.subject or ""))
    return found
