"""Read models shared by the REST API and the web pages: the dashboard numbers and one licence's
audit, answered from the database (`dashboard`, `licence_audit`: a restarted process answers them
as fast as a warm one), and the visible portfolio with its obligations, computed once per database
state and reused by the pages that still need every licence evaluated.

Evaluating a 10,000-licence portfolio (decoding, rules engine, audits) takes seconds, and the
calendar, findings, exports and site pages still need it. The result is cached per (database, audit-log
head, as-of date): any audited write appends an audit row, so a stale answer is impossible. A new
head re-evaluates only the licences whose record version or events changed. The memory is per
process, but the key is not: every request reads the audit head from the database, so a write
through one web process (or machine) is seen by every other on its next request — the head is the
version row all processes share, with no message between them to lose.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vats.api.deps import Principal
from vats.model.licence import Licence
from vats.model.obligations import Obligation, ObligationStatus
from vats.rules.audit import LicenceAudit
from vats.rules.horizon import renewal_days_before


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
    """Every stored licence (as domain objects), their organisation, and the engine's evaluation.

    `derived` memoises values computed from the portfolio (dashboard numbers): a Portfolio never
    changes once built, so neither do they.
    """

    licences: tuple[Licence, ...]
    organisation_of: dict[str, int | None]
    obligations: tuple[Obligation, ...]
    findings_by_licence: dict[str, tuple[Any, ...]]
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def unverified(self) -> frozenset[str]:
        """Numbers of licences known only from a spreadsheet: their obligations rest on unverified data."""
        found = self.derived.get("unverified")
        if found is None:
            found = self.derived["unverified"] = frozenset(
                lic.number for lic in self.licences if lic.from_sheet
            )
        result: frozenset[str] = found
        return result

    def audit_of(self, number: str) -> LicenceAudit | None:
        """One licence with its obligations (engine order) and audit findings; None when not here.

        The per-licence tables are built once per portfolio: a licence page or report then costs a
        dictionary lookup instead of a pass over every obligation of the portfolio."""
        table = self.derived.get("audits")
        if table is None:
            grouped: dict[str, list[Obligation]] = {}
            for o in self.obligations:  # stable: each licence keeps its obligations in engine order
                grouped.setdefault(o.licence, []).append(o)
            table = self.derived["audits"] = {
                lic.number: LicenceAudit(
                    licence=lic,
                    obligations=tuple(grouped.get(lic.number, ())),
                    findings=tuple(self.findings_by_licence.get(lic.number, ())),
                )
                for lic in self.licences
            }
        found: LicenceAudit | None = table.get(number)
        return found

    def visible(self, principal: Principal) -> Portfolio:
        if principal.organisations is None:
            return self
        key = f"visible:{sorted(principal.organisations)}"
        cached = self.derived.get(key)
        if cached is None:
            keep = {n for n, org in self.organisation_of.items() if principal.can_see(org)}
            cached = self.derived[key] = Portfolio(
                licences=tuple(lic for lic in self.licences if lic.number in keep),
                organisation_of={n: o for n, o in self.organisation_of.items() if n in keep},
                obligations=tuple(o for o in self.obligations if o.licence in keep),
                findings_by_licence={n: f for n, f in self.findings_by_licence.items() if n in keep},
            )
        return cached


def licence_audit(session: Session, number: str, *, as_of: date) -> LicenceAudit | None:
    """One live licence with its obligations (engine order) and audit findings, evaluated on its own
    (None when archived or missing): a licence page costs that licence, not the portfolio.

    The caller has already checked that the licence is visible to whom it answers; the evaluation
    is widened so a licence of no organisation reads the same for every caller who may see it."""
    from vats.store.evaluate import evaluate_licences
    from vats.store.scope import widened

    with widened(session):
        found = evaluate_licences(session, numbers=[number], as_of=as_of, audit=True)
    if not found:
        return None
    e = found[0]
    return LicenceAudit(licence=e.stored.licence, obligations=e.obligations, findings=e.findings)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One licence's evaluation and the inputs it was computed from."""

    fingerprint: tuple[Any, ...]
    evaluated: Any  # store.evaluate.EvaluatedLicence (imported when a portfolio is evaluated)

    @property
    def licence(self) -> Licence:
        licence: Licence = self.evaluated.stored.licence
        return licence

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        found: tuple[Obligation, ...] = self.evaluated.obligations
        return found

    @property
    def findings(self) -> tuple[Any, ...]:
        found: tuple[Any, ...] = self.evaluated.findings
        return found


class _Cache:
    """Evaluated portfolios keyed on (database, audit head, as_of), plus per-licence results.

    Any write appends an audit row, so a new head means "something changed"; only the licences
    whose record version or events changed are evaluated again (a register entry re-evaluates one
    licence, not 10,000). One lock: concurrent first requests wait for one computation.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.portfolios: OrderedDict[tuple[Any, ...], Portfolio] = OrderedDict()
        self.entries: dict[tuple[str, date], dict[str, _Entry]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Portfolio | None:
        value = self.portfolios.get(key)
        if value is not None:
            self.portfolios.move_to_end(key)
        return value

    def put(self, key: tuple[Any, ...], value: Portfolio) -> None:
        self.portfolios[key] = value
        while len(self.portfolios) > self.size:
            self.portfolios.popitem(last=False)


_CACHE = _Cache()


def _audit_head(session: Session) -> Any:
    from vats.store.auditlog import AuditEntry

    return session.scalar(select(func.max(AuditEntry.id)))


_MEMO: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MEMO_SIZE = 256


def memo(session: Session, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """A value computed from the database, reused until the next write (audit head) changes it.

    For read-side aggregates that are costly at scale (e.g. a filtered COUNT over 10,000 licences
    on SQLite) and asked for on every page of a list.
    """
    full = (str(session.get_bind().engine.url), _audit_head(session), *key)
    with _CACHE.lock:
        if full in _MEMO:
            _MEMO.move_to_end(full)
            return _MEMO[full]
    value = compute()
    with _CACHE.lock:
        _MEMO[full] = value
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def memo_cached(session: Session, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """`memo` for values read from the obligation cache within the session's scope: keyed on the
    event log's head as well (events may be recorded without an audited write, and the cache follows
    them) and on the organisations the session sees. Many clients asking for the same page then cost
    one computation per database state; a new process computes it once from the database."""
    from vats.store.models import EventRow
    from vats.store.scope import scope_of

    events = session.scalar(select(func.max(EventRow.id)))
    return memo(session, (events, scope_of(session).organisations, *key), compute)


def portfolio(session: Session, principal: Principal, *, as_of: date) -> Portfolio:
    """The visible portfolio evaluated on `as_of` (cached per database state)."""
    url = str(session.get_bind().engine.url)
    key = (url, _audit_head(session), as_of)
    cached = _CACHE.get(key)
    if cached is None:
        with _CACHE.lock:
            cached = _CACHE.get(key)
            if cached is None:
                cached = _evaluate_all(session, url=url, as_of=as_of)
                _CACHE.put(key, cached)
    return cached.visible(principal)


def _evaluate_all(session: Session, *, url: str, as_of: date) -> Portfolio:
    from vats.store.evaluate import EvaluatedLicence, StoredLicence, evaluate_stored
    from vats.store.licences import load_domain_licences
    from vats.store.models import LicenceRecord as L
    from vats.store.scope import widened

    # The cache is shared by every principal: evaluate the whole portfolio, filter per caller later.
    with widened(session):
        rows = session.execute(
            select(L.id, L.number, L.organisation_id, L.version, L.current_revision)
            .where(L.archived.is_(False))
            .order_by(L.id)
        ).all()
        previous = _CACHE.entries.get((url, as_of), {})
        stale = [r.number for r in rows if _stale(previous.get(r.number), r)]
        wanted = None if len(stale) == len(rows) else stale  # cold start: no 10,000-item IN list
        decoded = {lic.number: lic for lic in load_domain_licences(session, numbers=wanted)} if stale else {}
        present = []
        for row in rows:
            old = previous.get(row.number)
            licence = decoded.get(row.number) or (old.licence if old else None)
            if licence is not None:  # else archived between the two queries
                present.append(
                    StoredLicence(
                        row.id, row.number, row.organisation_id, row.version, row.current_revision, licence
                    )
                )

        def reuse(stored: StoredLicence, events: Any, profile: frozenset[str]) -> EvaluatedLicence | None:
            """The previous answer when nothing it was computed from changed."""
            old = previous.get(stored.number)
            if (
                old is None
                or stored.number in decoded
                or old.fingerprint != _fingerprint(stored, events, profile)
            ):
                return None
            kept: EvaluatedLicence = old.evaluated
            return kept

        found = [
            e
            for chunk in evaluate_stored(session, as_of=as_of, chunks=[present], audit=True, reuse=reuse)
            for e in chunk
        ]
    entries = {e.stored.number: _entry(previous.get(e.stored.number), e) for e in found}  # licence-id order
    _CACHE.entries = {k: v for k, v in _CACHE.entries.items() if k[0] != url}  # one as_of per database
    _CACHE.entries[(url, as_of)] = entries
    obligations = sorted(
        (o for e in entries.values() for o in e.obligations),
        key=lambda o: (o.status is not ObligationStatus.OVERDUE, o.due_date or date.max, o.licence),
    )
    return Portfolio(
        licences=tuple(e.licence for e in entries.values()),
        organisation_of={r.number: r.organisation_id for r in rows},
        obligations=tuple(obligations),
        findings_by_licence={n: e.findings for n, e in entries.items()},
    )


def _entry(old: _Entry | None, evaluated: Any) -> _Entry:
    """The previous entry when its evaluation was reused, else a new one."""
    if old is not None and old.evaluated is evaluated:
        return old
    return _Entry(_fingerprint(evaluated.stored, evaluated.events, evaluated.profile), evaluated)


def _fingerprint(stored: Any, events: Any, profile: frozenset[str]) -> tuple[Any, ...]:
    """What a licence's evaluation was computed from: record version and revision, events, profile."""
    return (stored.version, stored.revision, tuple((e.id, e.type, e.date) for e in events), profile)


def _stale(entry: _Entry | None, row: Any) -> bool:
    return entry is None or entry.fingerprint[:2] != (row.version, row.current_revision)


@dataclass(frozen=True, slots=True)
class ObligationFilter:
    status: ObligationStatus | None = None
    licence: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    rule: str | None = None


def obligations_matching(p: Portfolio, f: ObligationFilter) -> tuple[Obligation, ...]:
    """The portfolio's obligations passing a filter, memoised on the (immutable) portfolio."""
    if f == ObligationFilter():
        return p.obligations
    key = f"obligations:{f}"
    cached = p.derived.get(key)
    if cached is None:
        cached = p.derived[key] = tuple(filter_obligations(p.obligations, f))
    return cached


def filter_obligations(items: tuple[Obligation, ...], f: ObligationFilter) -> list[Obligation]:
    out = []
    for ob in items:
        if f.status is not None and ob.status is not f.status:
            continue
        if f.licence and ob.licence != f.licence:
            continue
        if f.rule and ob.rule_id != f.rule:
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
    expiring_within: int  # days: the renewal horizon that "expiring" means
    overdue: int
    due30: int
    failing: int
    open_cases: int
    soonest_expiry: tuple[Any, ...] = ()  # store.status.LicenceLine, first 20 by expiry date
    expired_licences: tuple[Any, ...] = ()  # first 10
    urgent: tuple[Obligation, ...] = ()  # first 50 overdue or due soon
    unverified: frozenset[str] = frozenset()  # those of `urgent`'s licences known only from a sheet


DASHBOARD_URGENT = 50


def dashboard(session: Session, principal: Principal, *, as_of: date) -> Dashboard:
    """The numbers on the dashboard, each of which links to the list it counts, within the session's
    scope (the caller's organisations).

    Answered from the database, so a web process just started answers as fast as a warm one: licence
    counts and lists by SQL over the stored expiry dates, obligation counts and the urgent list from
    the obligation cache (refreshed first: a few indexed queries when nothing changed). Only the
    licences on the urgent list are evaluated, to show those obligations whole (sources, deadlines
    to the minute) — the cache keeps what lists sort and count by, not everything a row shows.
    Failing site checks and open cases are counted on every request, as their registers change
    without touching the obligation cache.
    """
    from vats.registers.base import open_counts
    from vats.report.notify.sites import latest_failures

    numbers = memo_cached(session, ("dashboard", as_of), lambda: _dashboard_numbers(session, as_of))
    visible = set(numbers["visible"])
    return Dashboard(
        as_of=as_of,
        failing=len({f.domain for f in latest_failures(session, licences=visible)}),
        open_cases=open_counts(session).get("case", 0),
        **{k: v for k, v in numbers.items() if k != "visible"},
    )


def _dashboard_numbers(session: Session, as_of: date) -> dict[str, Any]:
    """What the dashboard reads from the licences and the obligation cache (see `dashboard`)."""
    from vats.store.evaluate import evaluate_licences
    from vats.store.models import LicenceRecord as L
    from vats.store.scope import scope_of
    from vats.store.status import ALERT, due_between, portfolio_status, urgency

    status = portfolio_status(session, as_of=as_of, top=DASHBOARD_URGENT)
    evaluated = evaluate_licences(session, numbers={line.licence for line in status.obligations}, as_of=as_of)
    urgent = sorted((o for e in evaluated for o in e.obligations if o.status in ALERT), key=urgency)
    live = (L.archived.is_(False), *scope_of(session).where(L.organisation_id))
    return {
        "licences": status.licences_total,
        "expired": status.licences_expired,
        "expiring": status.licences_expiring,
        "expiring_within": renewal_days_before(),
        "overdue": status.obligations_by_status.get(ObligationStatus.OVERDUE.value, 0),
        "due30": due_between(session, as_of=as_of, first=as_of, last=as_of + timedelta(days=30)),
        "soonest_expiry": tuple(status.licences[:20]),
        "expired_licences": tuple(
            line for line in status.licences if line.days_left is not None and line.days_left < 0
        )[:10],
        "urgent": tuple(urgent[:DASHBOARD_URGENT]),
        "unverified": frozenset(e.stored.number for e in evaluated if e.stored.licence.from_sheet),
        "visible": frozenset(session.scalars(select(L.number).where(*live))),
    }
