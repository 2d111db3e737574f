"""The audit of one licence: intrinsic validation plus (added by the rules engine) obligation findings.

Kept deliberately small: `vats audit`, the API and reports call `audit_licence`, so whatever a licence
audit means is decided here, in one place, and sorted most serious first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from vats.model.findings import Finding, Severity
from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.rules.validate import validate

if TYPE_CHECKING:
    from vats.rules.settings import EngineSettings


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; stable within a severity so check order (dates, number, sites) is kept."""
    return sorted(findings, key=lambda f: f.severity.rank)


# Validation findings about a duty the obligations engine also tracks. With no event records the
# validation finding stands (and the engine's duplicate is dropped); once events show the duty done
# or waived, the validation finding gives way to the engine's verdict.
SUPERSEDED_BY_RULE = {
    "licence.renewal_deadline_passed": "licence.renewal",
    "licence.renewal_deadline_near": "licence.renewal",
}


def _no_evidence(finding: Finding) -> Finding:
    """Without any event records vats cannot know whether a periodic filing was made: ask for the
    evidence (medium) instead of declaring the duty missed (high, which would fail every audit)."""
    return replace(
        finding,
        id=finding.id.replace("obligation.overdue.", "obligation.no_evidence.", 1),
        severity=Severity.MEDIUM,
        message_zh=f"未记录证据：{finding.message_zh}",
        message_en=f"no evidence recorded: {finding.message_en}",
        tags=(*finding.tags, "no_evidence"),
    )


def audit_licence(
    licence: Licence,
    *,
    as_of: date,
    events: Sequence[Event] = (),
    settings: EngineSettings | None = None,
) -> list[Finding]:
    """Every finding for `licence` as of `as_of`, most severe first.

    Intrinsic validation plus the obligation-derived findings of the rules engine (overdue -> high,
    reported late -> medium, due soon -> low). `events` (renewal applied, reports filed …) let the
    engine see what has been done; without any events, "overdue" findings that only mean "no record
    of it" are reported as medium requests for evidence.
    """
    from vats.rules.engine import evaluate

    evaluation = evaluate([licence], events, as_of, settings=settings)
    return audit_evaluated(
        licence,
        as_of=as_of,
        obligations=evaluation.obligations,
        findings=evaluation.findings,
        recorded=bool(events),
        settings=settings,
    )


def audit_evaluated(
    licence: Licence,
    *,
    as_of: date,
    obligations: Iterable[Obligation],
    findings: Iterable[Finding],
    recorded: bool,
    settings: EngineSettings | None = None,
) -> list[Finding]:
    """`audit_licence` for a licence whose obligations and findings are already at hand.

    A portfolio is evaluated in one engine run (shared calendar and wording memos make that several
    times cheaper than one run per licence); each licence's audit then only adds validation.
    `recorded` says whether any event applies to the licence at all (see `_no_evidence`).
    """
    done = {
        o.rule_id for o in obligations if o.status in (ObligationStatus.SATISFIED, ObligationStatus.WAIVED)
    }
    intrinsic = [
        f
        for f in validate(licence, as_of=as_of, settings=settings)
        if SUPERSEDED_BY_RULE.get(f.id) not in done
    ]
    covered = {SUPERSEDED_BY_RULE[f.id] for f in intrinsic if f.id in SUPERSEDED_BY_RULE}
    derived = [f for f in findings if f.id.split(".", 2)[-1] not in covered]
    if not recorded:
        derived = [_no_evidence(f) if f.severity is Severity.HIGH else f for f in derived]
    return sort_findings([*intrinsic, *derived])


@dataclass(frozen=True, slots=True)
class LicenceAudit:
    """One licence's share of a portfolio run: its obligations (engine order) and its audit findings."""

    licence: Licence
    obligations: tuple[Obligation, ...]
    findings: tuple[Finding, ...]


def audit_portfolio(
    licences: Sequence[Licence],
    events: Sequence[Event],
    *,
    as_of: date,
    settings: EngineSettings | None = None,
    profiles: Mapping[str, frozenset[str]] | None = None,
) -> list[LicenceAudit]:
    """`audit_licence` for many licences at once, in their given order, from one engine run.

    One run shares the calendar, deadline and wording memos across licences (at 10,000 licences it
    costs about a seventh of one run per licence). The engine routes each event to the licences it
    names, or to every licence for holder-wide events, so each licence gets what a run of its own
    with its own events would give it; a test holds the two equal.
    """
    from vats.rules.engine import EventIndex, evaluate

    firsts: dict[str, Licence] = {}
    repeats: list[Licence] = []  # a second copy of a number (two revisions given side by side)
    for licence in licences:
        if firsts.setdefault(licence.number, licence) is not licence:
            repeats.append(licence)
    if repeats:  # obligations name their licence by number: copies are evaluated in runs of their own
        done = {
            id(a.licence): a
            for a in audit_portfolio(
                list(firsts.values()), events, as_of=as_of, settings=settings, profiles=profiles
            )
        }
        done |= {
            id(a.licence): a
            for a in audit_portfolio(repeats, events, as_of=as_of, settings=settings, profiles=profiles)
        }
        return [done[id(licence)] for licence in licences]
    evaluation = evaluate(licences, events, as_of, settings=settings, profiles=profiles)
    obligations: dict[str, list[Obligation]] = {}
    for o in evaluation.obligations:
        obligations.setdefault(o.licence, []).append(o)
    findings: dict[str | None, list[Finding]] = {}
    for f in evaluation.findings:
        findings.setdefault(f.licence, []).append(f)
    index = EventIndex(events)
    out = []
    for licence in licences:
        mine = obligations.get(licence.number, [])
        audit = audit_evaluated(
            licence,
            as_of=as_of,
            obligations=mine,
            findings=findings.get(licence.number, ()),
            recorded=bool(index.for_licence(licence).by_type),
            settings=settings,
        )
        out.append(LicenceAudit(licence=licence, obligations=tuple(mine), findings=tuple(audit)))
    return out


def audit_each(
    items: Sequence[tuple[Licence, Sequence[Event]]],
    *,
    as_of: date,
    settings: EngineSettings | None = None,
    profiles: Mapping[str, frozenset[str]] | None = None,
) -> list[LicenceAudit]:
    """`audit_licence` for each licence with its own events, in the given order, in as few engine runs
    as the holder-wide events allow (`rules.engine.holder_groups`): one run when every licence sees the
    same holder-wide events, as in a database of one holder."""
    from vats.rules.engine import holder_groups

    out: list[LicenceAudit | None] = [None] * len(items)
    for positions, licences, events in holder_groups(items):
        for position, audit in zip(
            positions,
            audit_portfolio(licences, events, as_of=as_of, settings=settings, profiles=profiles),
            strict=True,
        ):
            out[position] = audit
    return [a for a in out if a is not None]
