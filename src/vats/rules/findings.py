"""Findings derived from obligations: what a compliance officer must act on, most serious first.

- overdue -> high (gates `vats audit`, exit 1): the duty was not met in time;
- satisfied but late -> medium "reported late": met, but after the deadline (a regulator may still act);
- due soon -> low; provisional dates -> info (the holiday notice for that year is not loaded).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from vats.model.findings import Evidence, Finding, Severity
from vats.model.obligations import Obligation, ObligationStatus
from vats.rules.calendar import day_text
from vats.rules.fastbuild import frozen_builder

_new_finding = frozen_builder(Finding)
_new_evidence = frozen_builder(Evidence)


_TAGS = {kind: ("obligation", kind) for kind in ("overdue", "late", "due_soon", "conditional")}


_SEVERITY = {
    "overdue": Severity.HIGH,
    "late": Severity.MEDIUM,
    "due_soon": Severity.LOW,
    "conditional": Severity.INFO,  # overdue, but only if a condition holds (e.g. the licence is renewed)
}


def _kind(o: Obligation) -> str | None:
    """Which kind of finding an obligation implies, if any."""
    if o.status is ObligationStatus.OVERDUE:
        return "overdue" if o.conditional is None else "conditional"
    if o.status is ObligationStatus.SATISFIED and o.late:
        return "late"
    if o.status is ObligationStatus.DUE_SOON and o.due_date is not None:
        return "due_soon"  # undated and due: a control never attested, which the control list shows
    return None


def evidence_words(codes: str | None) -> tuple[str, str]:
    """The events a duty waits for, in words ("annual_report_filed" → 记录“已报送年报”), never codes."""
    from vats.reference.rules_library import default_library

    if not codes:
        return "-", "-"
    vocabulary = default_library().event_types
    zh, en = [], []
    for code in codes.split(" | "):
        etype = vocabulary.get(code)
        zh.append(f"“{etype.title.zh}”" if etype else code)
        en.append(f"'{etype.title.en}'" if etype else code)
    return "记录" + "或".join(zh), "record " + " or ".join(en)


def _messages(o: Obligation, kind: str) -> tuple[str, str]:
    subject = f"（{o.subject}）" if o.subject else ""
    subject_en = f" ({o.subject})" if o.subject else ""
    title_zh, title_en = f"{o.title_zh}{subject}", f"{o.title_en}{subject_en}"
    evidence_zh, evidence_en = evidence_words(o.evidence_required)
    due = None if o.due_date is None else day_text(o.due_date)
    if kind == "overdue":
        return (
            f"{title_zh}自 {due} 起已逾期，需{evidence_zh}",
            f"{title_en} is overdue since {due}; to close it, {evidence_en}",
        )
    if kind == "late":
        return (
            f"{title_zh}逾期完成：期限 {due}，完成于 {o.completed_on}",
            f"{title_en} reported late: due {due}, done {o.completed_on}",
        )
    if kind == "due_soon":
        return f"{title_zh}将于 {due} 到期", f"{title_en} is due on {due}"
    return (
        f"{title_zh}期限 {due} 已过（{o.conditional}）",
        f"{title_en} passed its date {due} ({o.conditional})",
    )


class _Findings:
    """One run's findings. Many share immutable parts (a rule and a due date give the same evidence, a
    kind and a rule the same id, a rule, subject and dates the same messages): each is built once per
    run. A new instance per run, so nothing carries over between runs."""

    def __init__(self) -> None:
        self.evidence: dict[tuple[date | None, str], tuple[Evidence, ...]] = {}
        self.ids: dict[tuple[str, str], str] = {}
        self.messages: dict[tuple[object, ...], tuple[str, str]] = {}

    def finding_for(self, o: Obligation) -> Finding | None:
        kind = _kind(o)
        return None if kind is None else self.finding(o, kind)

    def finding(self, o: Obligation, kind: str) -> Finding:
        key = (kind, o.rule_id, o.subject, o.due_date, o.completed_on, o.conditional)
        text = self.messages.get(key)
        if text is None:
            text = self.messages[key] = _messages(o, kind)
        finding_id = self.ids.get((kind, o.rule_id))
        if finding_id is None:
            finding_id = self.ids[(kind, o.rule_id)] = f"obligation.{kind}.{o.rule_id}"
        # positional, in Finding's field order: id, severity, zh, en, licence, subject, evidence,
        # sources, tags
        zh, en = text
        evidence = self._evidence(o)
        return _new_finding(
            finding_id, _SEVERITY[kind], zh, en, o.licence, o.subject, evidence, o.sources, _TAGS[kind]
        )

    def _evidence(self, o: Obligation) -> tuple[Evidence, ...]:
        """The due date a finding rests on (field, value, line, note)."""
        key = (o.due_date, o.rule_id)
        hit = self.evidence.get(key)
        if hit is None:
            due = None if o.due_date is None else day_text(o.due_date)
            hit = self.evidence[key] = (_new_evidence("due_date", due, None, o.rule_id),)
        return hit


def finding_for(o: Obligation) -> Finding | None:
    """The finding one obligation implies, or None when it needs no attention."""
    return _Findings().finding_for(o)


def obligation_findings(obligations: Iterable[Obligation]) -> list[Finding]:
    """Findings for every obligation that needs attention, most serious first (stable order)."""
    run = _Findings()
    by_kind: dict[str, list[Finding]] = {kind: [] for kind in _SEVERITY}
    for o in obligations:
        kind = _kind(o)
        if kind is not None:
            by_kind[kind].append(run.finding(o, kind))
    # each kind has its own severity: sort each kind's findings by licence, id and subject, then put
    # the kinds in severity order (the same order as one sort on (severity, licence, id, subject))
    found: list[Finding] = []
    for kind in sorted(by_kind, key=lambda k: _SEVERITY[k].rank):
        group = by_kind[kind]
        try:  # a C-level key; subjects are never mixed None/str within one licence and rule in practice
            group.sort(key=attrgetter("licence", "id", "subject"))
        except TypeError:
            group.sort(key=lambda f: (f.licence or "", f.id, f.subject or ""))
        found.extend(group)
    return found
