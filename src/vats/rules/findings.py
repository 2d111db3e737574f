"""Findings derived from obligations: what a compliance officer must act on, most serious first.

- overdue -> high (gates `vats audit`, exit 1): the duty was not met in time;
- satisfied but late -> medium "reported late": met, but after the deadline (a regulator may still act);
- due soon -> low; provisional dates -> info (the holiday notice for that year is not loaded).
"""

from __future__ import annotations

from collections.abc import Iterable

from vats.model.findings import Evidence, Finding, Severity
from vats.model.obligations import Obligation, ObligationStatus


def _evidence(o: Obligation) -> tuple[Evidence, ...]:
    return (
        Evidence(
            field="due_date", value=None if o.due_date is None else o.due_date.isoformat(), note=o.rule_id
        ),
    )


def finding_for(o: Obligation) -> Finding | None:
    """The finding one obligation implies, or None when it needs no attention."""
    subject = f"（{o.subject}）" if o.subject else ""
    subject_en = f" ({o.subject})" if o.subject else ""
    if o.status is ObligationStatus.OVERDUE and o.conditional is None:
        since = f"自 {o.due_date} 起" if o.due_date else ""
        return Finding(
            id=f"obligation.overdue.{o.rule_id}",
            severity=Severity.HIGH,
            message_zh=f"{o.title_zh}{subject}{since}已逾期，需提供证据：{o.evidence_required or '-'}",
            message_en=f"{o.title_en}{subject_en} is overdue since {o.due_date}; evidence needed: "
            f"{o.evidence_required or '-'}",
            licence=o.licence,
            subject=o.subject,
            evidence=_evidence(o),
            sources=o.sources,
            tags=("obligation", "overdue"),
        )
    if o.status is ObligationStatus.SATISFIED and o.late:
        return Finding(
            id=f"obligation.late.{o.rule_id}",
            severity=Severity.MEDIUM,
            message_zh=f"{o.title_zh}{subject}逾期完成：期限 {o.due_date}，完成于 {o.completed_on}",
            message_en=f"{o.title_en}{subject_en} reported late: due {o.due_date}, done {o.completed_on}",
            licence=o.licence,
            subject=o.subject,
            evidence=_evidence(o),
            sources=o.sources,
            tags=("obligation", "late"),
        )
    if o.status is ObligationStatus.DUE_SOON:
        return Finding(
            id=f"obligation.due_soon.{o.rule_id}",
            severity=Severity.LOW,
            message_zh=f"{o.title_zh}{subject}将于 {o.due_date} 到期",
            message_en=f"{o.title_en}{subject_en} is due on {o.due_date}",
            licence=o.licence,
            subject=o.subject,
            evidence=_evidence(o),
            sources=o.sources,
            tags=("obligation", "due_soon"),
        )
    if o.status is ObligationStatus.OVERDUE:  # overdue but conditional (e.g. only if renewed)
        return Finding(
            id=f"obligation.conditional.{o.rule_id}",
            severity=Severity.INFO,
            message_zh=f"{o.title_zh}{subject}期限 {o.due_date} 已过（{o.conditional}）",
            message_en=f"{o.title_en}{subject_en} passed its date {o.due_date} ({o.conditional})",
            licence=o.licence,
            subject=o.subject,
            evidence=_evidence(o),
            sources=o.sources,
            tags=("obligation", "conditional"),
        )
    return None


def obligation_findings(obligations: Iterable[Obligation]) -> list[Finding]:
    """Findings for every obligation that needs attention, most serious first (stable order)."""
    attention = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON)
    candidates = (o for o in obligations if o.status in attention or o.late)
    found = [f for f in map(finding_for, candidates) if f is not None]
    found.sort(key=lambda f: (f.severity.rank, f.licence or "", f.id, f.subject or ""))
    return found
