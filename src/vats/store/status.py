"""Portfolio status (`vats status`): licences, obligations, open register items, failing checks.

Everything is SQL aggregates: licence counts and the soonest expiries from `licences`, obligation
counts and the most urgent items from `obligation_cache` — the rules engine's output persisted per
licence and refreshed incrementally (`vats.store.obligation_refresh`): only licences whose record or
events changed, or whose cached rows are no longer valid for `as_of`, are re-evaluated, in chunks.
The date-dependent status (overdue / due soon / upcoming) is derived from the stored due date in
SQL exactly as the engine derives it, so a warm cache answers any day without recomputing.

With an injected `evaluate` (or a database not yet migrated to the cache tables), obligations come
from the engine streamed over chunks of licences instead: same answer, full engine cost.

Layering: this module sits in the store and must not import the registers or report layers, so
open register counts and failing checks are passed in as callables by the caller (the CLI).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, inspect, literal, select
from sqlalchemy.orm import Session

from vats.model.obligations import Obligation, ObligationStatus
from vats.rules.settings import EngineSettings
from vats.store.licences import iter_domain_licences
from vats.store.models import LicenceRecord
from vats.store.obligation_cache import CachedObligation
from vats.store.obligation_refresh import (
    chunk_events,
    derived_status,
    refresh_obligation_cache,
    shared_events,
)

EXPIRY_WARNING_DAYS = 90
ALERT = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON)


@dataclass(frozen=True, slots=True)
class LicenceLine:
    number: str
    company: str
    expiry_date: date | None
    days_left: int | None  # negative: expired that many days ago


@dataclass(frozen=True, slots=True)
class ObligationLine:
    licence: str
    rule_id: str
    title_zh: str
    title_en: str
    status: str
    due_date: date | None
    subject: str | None
    late: bool
    completed_on: date | None


@dataclass(slots=True)
class PortfolioStatus:
    as_of: date
    licences_total: int = 0
    licences_expired: int = 0
    licences_expiring: int = 0  # within EXPIRY_WARNING_DAYS
    licences: list[LicenceLine] = field(default_factory=list)  # soonest expiry first, top N
    obligations_by_status: dict[str, int] = field(default_factory=dict)
    late_completions: int = 0
    obligations: list[ObligationLine] = field(default_factory=list)  # overdue, then due soon; top N
    late: list[ObligationLine] = field(default_factory=list)  # satisfied after the due date; top N
    open_register_items: dict[str, int] = field(default_factory=dict)
    failing_checks: int = 0
    failing_sites: list[str] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        """Anything a compliance officer must act on (drives exit code 1)."""
        return bool(
            self.licences_expired
            or self.obligations_by_status.get(ObligationStatus.OVERDUE.value)
            or self.failing_checks
        )


def _licence_lines(session: Session, as_of: date, top: int) -> tuple[int, int, int, list[LicenceLine]]:
    t = LicenceRecord.__table__
    live = t.c.archived.is_(False)
    total, expired, expiring = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((t.c.expiry_date < as_of, 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            (t.c.expiry_date >= as_of)
                            & (t.c.expiry_date <= as_of + timedelta(days=EXPIRY_WARNING_DAYS)),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(live)
    ).one()
    rows = session.execute(
        select(t.c.number, t.c.company, t.c.expiry_date)
        .where(live)
        .order_by(t.c.expiry_date.is_(None), t.c.expiry_date, t.c.number)
        .limit(top)
    ).all()
    lines = [
        LicenceLine(
            r.number, r.company, r.expiry_date, (r.expiry_date - as_of).days if r.expiry_date else None
        )
        for r in rows
    ]
    return int(total), int(expired), int(expiring), lines


def _line(o: Obligation) -> ObligationLine:
    return ObligationLine(
        licence=o.licence,
        rule_id=o.rule_id,
        title_zh=o.title_zh,
        title_en=o.title_en,
        status=o.status.value,
        due_date=o.due_date,
        subject=o.subject,
        late=o.late,
        completed_on=o.completed_on,
    )


def _urgency(o: Obligation) -> tuple[Any, ...]:
    """Smaller is more urgent: overdue before due soon, then the earlier due date; ties broken by
    licence, rule and subject so the answer does not depend on how the portfolio was chunked."""
    rank = 0 if o.status is ObligationStatus.OVERDUE else 1
    return rank, o.due_date or date.max, o.licence, o.rule_id, o.subject or ""


def _recency(o: Obligation) -> tuple[Any, ...]:
    """Most recently completed first (for late completions), same tie-breaks."""
    return -(o.completed_on or date.min).toordinal(), o.licence, o.rule_id, o.subject or ""


class TopN:
    """The N smallest items by `key`, kept by periodic sort-and-truncate (O(n log N), deterministic)."""

    def __init__(self, n: int, key: Callable[[Obligation], tuple[Any, ...]]) -> None:
        self.n = n
        self.key = key
        self.items: list[Obligation] = []

    def add(self, item: Obligation) -> None:
        self.items.append(item)
        if len(self.items) >= 2 * self.n + 64:
            self._trim()

    def _trim(self) -> None:
        self.items.sort(key=self.key)
        del self.items[self.n :]

    def result(self) -> list[Obligation]:
        self._trim()
        return self.items


def _status_sql(as_of: date, settings: EngineSettings) -> ColumnElement[str]:
    """`derived_status` in SQL: the stored terminal status, else overdue / due soon / upcoming."""
    c = CachedObligation.__table__.c
    return case(
        (c.fixed_status.is_not(None), c.fixed_status),
        (c.due_date.is_(None), literal(ObligationStatus.UPCOMING.value)),
        (c.due_date < as_of, literal(ObligationStatus.OVERDUE.value)),
        (
            c.due_date <= as_of + timedelta(days=settings.due_soon_days),
            literal(ObligationStatus.DUE_SOON.value),
        ),
        else_=literal(ObligationStatus.UPCOMING.value),
    )


def _cached_obligations(session: Session, status: PortfolioStatus, top: int, chunk: int) -> None:
    """Counts and top-N lists from `obligation_cache` (after an incremental refresh).

    Filters are written on the stored columns (not on the derived status) so the planner can use
    the (fixed_status, due_date) and (late, completed_on) indexes; the count reads only the former.
    """
    settings = EngineSettings()
    refresh_obligation_cache(
        session, as_of=status.as_of, chunk=chunk, settings=settings, live_licences=status.licences_total
    )
    c = CachedObligation.__table__.c
    derived = _status_sql(status.as_of, settings)
    scope: list[ColumnElement[bool]] = []
    visible = session.info.get("visible_organisations")
    if visible is not None:
        lic = LicenceRecord.__table__.c
        scope.append(c.licence.in_(select(lic.number).where(lic.organisation_id.in_(visible))))
    alerts = [s.value for s in ALERT]
    # grouped by the stored columns in index order (a streaming index-only aggregate, a few
    # hundred groups), then folded to statuses here: 7x faster than grouping by the CASE in SQL
    counts: Counter[str] = Counter()
    grouped = select(c.fixed_status, c.due_date, func.count()).where(*scope)
    for fixed, due, n in session.execute(grouped.group_by(c.fixed_status, c.due_date)):
        counts[fixed or derived_status(due, status.as_of, settings).value] += int(n)
    status.obligations_by_status = dict(sorted(counts.items()))
    # late implies satisfied (a stored status): never overdue / due soon
    late = (c.late.is_(True), c.fixed_status.not_in(alerts), *scope)
    status.late_completions = int(session.execute(select(func.count()).where(*late)).scalar() or 0)
    soon = status.as_of + timedelta(days=settings.due_soon_days)
    # code-point order, as Python sorts strings (PostgreSQL's default collation would not)
    binary = "C" if session.get_bind().dialect.name == "postgresql" else "BINARY"
    ties = (
        c.licence.collate(binary),
        c.rule_id.collate(binary),
        func.coalesce(c.subject, "").collate(binary),
    )
    columns = (
        c.licence,
        c.rule_id,
        c.title_zh,
        c.title_en,
        derived,
        c.due_date,
        c.subject,
        c.late,
        c.completed_on,
    )
    # the urgent items in two index-friendly parts merged here: stored alert statuses (rare: failed
    # site checks) and date-derived ones, where overdue dates all precede due-soon dates, so the
    # engine's order (overdue first, then due date) is plain due-date order
    dated = (c.fixed_status.is_(None), c.due_date <= soon, *scope)
    parts = (
        select(*columns).where(c.fixed_status.in_(alerts), *scope).order_by(c.due_date, *ties),
        select(*columns).where(*dated).order_by(c.due_date, *ties),
    )
    lines = [ObligationLine(*r) for part in parts for r in session.execute(part.limit(top))]
    lines.sort(key=_line_urgency)
    status.obligations = lines[:top]
    recent = select(*columns).where(*late).order_by(c.completed_on.is_(None), c.completed_on.desc(), *ties)
    status.late = [ObligationLine(*r) for r in session.execute(recent.limit(top))]


def _line_urgency(line: ObligationLine) -> tuple[Any, ...]:
    """`_urgency` for a cached line (same order, so cached and evaluated answers agree)."""
    rank = 0 if line.status == ObligationStatus.OVERDUE.value else 1
    return rank, line.due_date or date.max, line.licence, line.rule_id, line.subject or ""


def _evaluated_obligations(
    session: Session, status: PortfolioStatus, top: int, chunk: int, evaluate: Callable[..., Any]
) -> None:
    """The engine over every licence, chunk by chunk (no cache): counts and top N kept."""
    shared = shared_events(session)
    counts: Counter[str] = Counter()
    urgent, late = TopN(top, _urgency), TopN(top, _recency)
    for licences in iter_domain_licences(session, chunk=chunk):
        evaluation = evaluate(licences, chunk_events(session, licences, shared), status.as_of)
        for o in evaluation.obligations:
            counts[o.status.value] += 1
            if o.status in ALERT:
                urgent.add(o)
            elif o.late:
                status.late_completions += 1
                late.add(o)
    status.obligations_by_status = dict(sorted(counts.items()))
    status.obligations = [_line(o) for o in urgent.result()]
    status.late = [_line(o) for o in late.result()]


def _has_cache(session: Session) -> bool:
    return bool(inspect(session.connection()).has_table(CachedObligation.__tablename__))


def portfolio_status(
    session: Session,
    *,
    as_of: date,
    top: int = 20,
    chunk: int = 1000,
    register_counts: Callable[[Session], dict[str, int]] | None = None,
    failing_sites: Callable[[Session], Iterable[str]] | None = None,
    evaluate: Callable[..., Any] | None = None,
) -> PortfolioStatus:
    """Everything `vats status` shows: SQL aggregates over a refreshed obligation cache."""
    status = PortfolioStatus(as_of=as_of)
    status.licences_total, status.licences_expired, status.licences_expiring, status.licences = (
        _licence_lines(session, as_of, top)
    )
    if evaluate is None and _has_cache(session):
        _cached_obligations(session, status, top, chunk)
    else:
        if evaluate is None:
            from vats.rules.engine import evaluate as engine_evaluate

            evaluate = engine_evaluate
        _evaluated_obligations(session, status, top, chunk, evaluate)
    if register_counts is not None:
        status.open_register_items = register_counts(session)
    if failing_sites is not None:
        sites = sorted(set(failing_sites(session)))
        status.failing_checks = len(sites)
        status.failing_sites = sites[:top]
    return status
