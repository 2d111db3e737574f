"""Finding one obligation by its stable id and describing it, for the API, the web pages and the CLI.

Obligations are derived, not stored: an id is looked up in the obligation cache (its licence then
evaluated alone) or else in the evaluated portfolio the caller may see (`views.portfolio`), so
another organisation's obligation answers exactly like a missing one. After an action the licence is
evaluated again on its own, inside the caller's transaction, so the answer shows the new status
without touching the shared cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from vats.api import views
from vats.api.deps import Principal
from vats.model.errors import NotFoundError
from vats.model.obligation_ids import (
    URGENCY,
    WORK_LABELS,
    WorkStatus,
    is_obligation_id,
    obligation_id,
    period_of,
    work_status,
)
from vats.model.obligations import Obligation
from vats.registers.workspace import service
from vats.registers.workspace.service import Owners, Target


def index(p: views.Portfolio) -> dict[str, Obligation]:
    """{id: obligation} of a portfolio, built once per (immutable) portfolio."""
    table = p.derived.get("by_id")
    if table is None:
        table = p.derived["by_id"] = {obligation_id(o): o for o in p.obligations}
    found: dict[str, Obligation] = table
    return found


def _missing(ident: str) -> NotFoundError:
    return NotFoundError(f"义务 {ident[:40]} 不存在 / obligation not found", field="id")


def find(session: Session, principal: Principal, ident: str, *, as_of: date) -> Target:
    """The visible obligation with this id (404 naming `id` when missing or another organisation's).

    The obligation cache names its licence, which is then evaluated alone; an id the cache does not
    hold (an undated standing duty, which it only counts) is looked up in the evaluated portfolio."""
    from vats.store.evaluate import evaluate_licences
    from vats.store.obligation_list import cached_licence_of

    if not is_obligation_id(ident):
        raise _missing(ident)
    number = cached_licence_of(session, ident=ident, as_of=as_of)
    if number is not None:
        for e in evaluate_licences(session, numbers=[number], as_of=as_of):
            for ob in e.obligations:
                if obligation_id(ob) == ident:
                    return Target(ident, ob, e.stored.organisation_id)
    p = views.portfolio(session, principal, as_of=as_of)
    found = index(p).get(ident)
    if found is None:
        raise _missing(ident)
    return Target(ident, found, p.organisation_of.get(found.licence))


def refreshed(session: Session, target: Target, *, as_of: date) -> Target:
    """The same obligation evaluated again from the session's current state (its licence only)."""
    from vats.store.evaluate import evaluate_licences

    found = evaluate_licences(session, numbers=[target.obligation.licence], as_of=as_of, audit=True)
    if not found:
        raise _missing(target.id)
    audit = found[0]
    for ob in audit.obligations:
        if obligation_id(ob) == target.id:
            return Target(target.id, ob, target.organisation_id)
    raise _missing(target.id)


@dataclass(frozen=True, slots=True)
class Row:
    """One obligation as lists show it."""

    target: Target
    owner: str | None

    @property
    def status(self) -> WorkStatus:
        return work_status(self.target.obligation.status)

    def item(self) -> dict[str, Any]:
        ob = self.target.obligation
        return {
            "id": self.target.id,
            "rule_id": ob.rule_id,
            "licence": ob.licence,
            "subject": ob.subject,
            "period": period_of(ob),
            "due_date": ob.due_date,
            "status": self.status.value,
            "status_zh": WORK_LABELS[self.status],
            "owner": self.owner,
            "title_zh": ob.title_zh,
            "title_en": ob.title_en,
            "kind": ob.kind.value,
            "provisional": ob.provisional,
            "completed_on": ob.completed_on,
            "late": ob.late,
        }


def rows(
    session: Session, p: views.Portfolio, obligations: tuple[Obligation, ...] | list[Obligation]
) -> list[Row]:
    """Rows with their owners resolved (one query for the explicit owners of these obligations)."""
    return rows_of(session, p.organisation_of, obligations)


def rows_of(
    session: Session,
    organisation_of: Mapping[str, int | None],
    obligations: tuple[Obligation, ...] | list[Obligation],
) -> list[Row]:
    """`rows`, given each licence's organisation (`organisation_of`) rather than a portfolio."""
    targets = [Target.of(o, organisation_of.get(o.licence)) for o in obligations]
    found: Owners = service.owners(session, [t.id for t in targets])
    return [Row(t, found.of(t.id, t.obligation.rule_id, t.organisation_id)) for t in targets]


def by_urgency(items: list[Row]) -> list[Row]:
    """Overdue → due soon → upcoming → done → waived → not applicable, then by due date."""
    return sorted(items, key=lambda r: (URGENCY[r.status], r.target.obligation.due_date or date.max))


def detail(session: Session, target: Target) -> dict[str, Any]:
    """Everything an obligation's page shows: what, why (sources with reliability), its due date and
    derivation, status, owner, evidence, pending waivers and history."""
    ob = target.obligation
    rule = service.rule_of(ob)
    owner = service.owners(session, [target.id]).of(target.id, ob.rule_id, target.organisation_id)
    data = Row(target, owner).item()
    data.update(
        what={"zh": rule.title.zh, "en": rule.title.en, "explanation_zh": rule.explanation.zh},
        sources=[
            {
                "instrument": s.instrument,
                "article": s.article,
                "item": s.item,
                "reliability": s.reliability.value,
                "note": s.note,
            }
            for s in ob.sources
        ],
        derivation=list(ob.explanation),
        window_start=ob.window_start,
        conditional=ob.conditional,
        provisional_reason=ob.provisional_reason,
        satisfied_by=ob.satisfied_by,
        completion_types=list(rule.satisfied_by),
        completion_without_evidence=rule.completion_without_evidence,
        evidence=[
            {
                "id": e.id,
                "filename": e.filename,
                "media_type": e.media_type,
                "size": e.size,
                "sm3": e.sm3,
                "record": e.record,
                "event_id": e.event_id,
                "created_at": e.created_at,
                "created_by": e.created_by,
            }
            for e in service.evidence_of(session, target_id=target.id)
        ],
        waivers=[
            {
                "id": w.id,
                "state": w.state,
                "reason": w.reason,
                "expires_on": w.expires_on,
                "requested_by": w.requested_by,
                "decided_by": w.decided_by,
            }
            for w in service.waivers_of(session, target_id=target.id)
        ],
        history=[
            {
                "action": h.action,
                "label": service.ACTION_LABELS.get(h.action, h.action),
                "detail": h.detail,
                "actor": h.actor,
                "at": h.at,
                "event_id": h.event_id,
            }
            for h in service.history_of(session, target_id=target.id)
        ],
    )
    return data
