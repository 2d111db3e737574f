"""Read models shared by the REST API and the web pages: the visible portfolio, its obligations and
the dashboard numbers — computed once per database state and reused.

Evaluating obligations for a 10,000-licence portfolio takes a noticeable fraction of a second, and
the dashboard, calendar and obligations pages all need it. The result is cached per (audit-log head,
as-of date): any write appends an audit row, so a stale cache is impossible while reads stay cheap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vats.api.deps import Principal
from vats.model.licence import Licence
from vats.model.obligations import Obligation, ObligationStatus

EXPIRING_DAYS = 90
VALIDITY = ("valid", "expiring", "expired", "unknown")


def validity(expiry: date | None, as_of: date) -> str:
    """expired / expiring (within 90 days) / valid; unknown when the expiry date was not read."""
    if expiry is None:
        return "unknown"
    if expiry < as_of:
        return "expired"
    if expiry <= as_of + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


@dataclass(frozen=True, slots=True)
class LicenceSummary:
    id: int
    number: str
    company: str
    organisation_id: int | None
    issue_date: date | None
    expiry_date: date | None
    validity: str
    version: int


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Every stored licence (as domain objects), their organisation, and the engine's evaluation."""

    licences: tuple[Licence, ...]
    organisation_of: dict[str, int | None]
    obligations: tuple[Obligation, ...]
    findings_by_licence: dict[str, tuple[Any, ...]]

    def visible(self, principal: Principal) -> Portfolio:
        if principal.organisations is None:
            return self
        keep = {n for n, org in self.organisation_of.items() if principal.can_see(org)}
        return Portfolio(
            licences=tuple(lic for lic in self.licences if lic.number in keep),
            organisation_of={n: o for n, o in self.organisation_of.items() if n in keep},
            obligations=tuple(o for o in self.obligations if o.licence in keep),
            findings_by_licence={n: f for n, f in self.findings_by_licence.items() if n in keep},
        )


class _Cache:
    """A tiny thread-safe LRU keyed on (database URL, audit head, as_of)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._data: OrderedDict[tuple[Any, ...], Portfolio] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Portfolio | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Portfolio) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)


_CACHE = _Cache()


def _audit_head(session: Session) -> Any:
    from vats.store.auditlog import AuditEntry

    return session.scalar(select(func.max(AuditEntry.id)))


def portfolio(session: Session, principal: Principal, *, as_of: date) -> Portfolio:
    """The visible portfolio evaluated on `as_of` (cached per database state)."""
    key = (str(session.get_bind().engine.url), _audit_head(session), as_of)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _evaluate_all(session, as_of=as_of)
        _CACHE.put(key, cached)
    return cached.visible(principal)


def _evaluate_all(session: Session, *, as_of: date) -> Portfolio:
    from vats.rules.audit import audit_licence
    from vats.rules.engine import evaluate
    from vats.store.events import list_events
    from vats.store.licences import load_domain_licences
    from vats.store.models import LicenceRecord

    # The cache is shared by every principal: evaluate the whole portfolio, filter per caller later.
    hidden = session.info.pop("visible_organisations", None)
    try:
        licences = tuple(load_domain_licences(session))
        orgs = dict(
            session.execute(select(LicenceRecord.number, LicenceRecord.organisation_id)).tuples().all()
        )
        events = list_events(session)
    finally:
        if hidden is not None:
            session.info["visible_organisations"] = hidden
    evaluation = evaluate(licences, events, as_of)
    by_number: dict[str, list[Any]] = {}
    for finding in evaluation.findings:
        if finding.licence:
            by_number.setdefault(finding.licence, []).append(finding)
    findings: dict[str, tuple[Any, ...]] = {}
    for lic in licences:
        intrinsic = audit_licence(lic, as_of=as_of)
        seen = {f.id for f in intrinsic}
        findings[lic.number] = tuple(intrinsic) + tuple(
            f for f in by_number.get(lic.number, ()) if f.id not in seen
        )
    return Portfolio(
        licences=licences,
        organisation_of=orgs,
        obligations=tuple(evaluation.obligations),
        findings_by_licence=findings,
    )


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    status: ObligationStatus | None = None
    licence: str | None = None
    due_from: date | None = None
    due_to: date | None = None


def filter_obligations(items: tuple[Obligation, ...], f: ObligationFilter) -> list[Obligation]:
    out = []
    for ob in items:
        if f.status is not None and ob.status is not f.status:
            continue
        if f.licence and ob.licence != f.licence:
            continue
        if f.due_from and (ob.due_date is None or ob.due_date < f.due_from):
            continue
        if f.due_to and (ob.due_date is None or ob.due_date > f.due_to):
            continue
        out.append(ob)
    return out


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    licences: int
    expired: int
    expiring: int
    overdue: int
    due30: int
    failing: int
    open_cases: int


def dashboard(session: Session, principal: Principal, *, as_of: date) -> tuple[Dashboard, Portfolio]:
    """The numbers on the dashboard, each of which links to the list it counts."""
    from vats.registers.base import open_counts
    from vats.report.notify.sites import latest_failures

    p = portfolio(session, principal, as_of=as_of)
    states = [validity(lic.expiry_date, as_of) for lic in p.licences]
    horizon = as_of + timedelta(days=30)
    overdue = sum(1 for o in p.obligations if o.status is ObligationStatus.OVERDUE)
    due30 = sum(
        1
        for o in p.obligations
        if o.status in (ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
        and o.due_date is not None
        and as_of <= o.due_date <= horizon
    )
    numbers = {lic.number for lic in p.licences}
    failing = {f.domain for f in latest_failures(session, licences=numbers)}
    counts = open_counts(session)
    return (
        Dashboard(
            as_of=as_of,
            licences=len(p.licences),
            expired=states.count("expired"),
            expiring=states.count("expiring"),
            overdue=overdue,
            due30=due30,
            failing=len(failing),
            open_cases=counts.get("case", 0),
        ),
        p,
    )
