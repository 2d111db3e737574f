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

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, inspect, select
from sqlalchemy.orm import Session

from vats.model.obligations import Obligation, ObligationStatus
from vats.rules.settings import EngineSettings, configured_settings
from vats.store.models import LicenceRecord
from vats.store.obligation_cache import CachedObligation, ObligationCacheState, ObligationCacheTally
from vats.store.obligation_refresh import derived_status, refresh_obligation_cache
from vats.store.scope import scope_of

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
    licences_expiring: int = 0  # inside the renewal horizon (rules.horizon)
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


def _first(
    session: Session, query: Select[Any], key: ColumnElement[Any], order: Sequence[Any], top: int
) -> list[Any]:
    """The first `top` rows of `query` in `order`, rows whose `key` is NULL last.

    Two index-ordered scans that each stop after `top` rows (non-NULL keys, then NULL keys only if
    needed): the portable spelling of NULLS LAST, `ORDER BY key IS NULL`, sorts every row first.
    """
    rows = list(session.execute(query.where(key.is_not(None)).order_by(*order).limit(top)))
    if len(rows) < top:
        rows += session.execute(query.where(key.is_(None)).order_by(*order).limit(top - len(rows)))
    return rows


def _licence_lines(session: Session, as_of: date, top: int) -> tuple[int, int, int, list[LicenceLine]]:
    """Visible live-licence counts and the soonest expiries, from `ix_licences_live_expiry` alone
    (the licence rows are wide: each carries its parsed JSON). "Expired" and "expiring" are the
    licence list's own filters (`licence_conditions`), so each count agrees with the list it links to.
    """
    from vats.store.licence_filters import LicenceFilters, licence_conditions

    t = LicenceRecord.__table__
    visible = scope_of(session).organisations

    def where(validity: str | None) -> ColumnElement[bool]:
        return and_(*licence_conditions(LicenceFilters(validity=validity), as_of=as_of, visible=visible))

    def count(validity: str) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((where(validity), 1), else_=0)), 0)

    live = where(None)
    total, expired, expiring = session.execute(
        select(func.count(), count("expired"), count("expiring")).select_from(t).where(live)
    ).one()
    # the index order (archived first: constant here) so both planners stop after `top` entries
    order = (t.c.archived, t.c.expiry_date, t.c.number)
    query = select(t.c.number, t.c.company, t.c.expiry_date).where(live)
    lines = [
        LicenceLine(
            r.number, r.company, r.expiry_date, (r.expiry_date - as_of).days if r.expiry_date else None
        )
        for r in _first(session, query, t.c.expiry_date, order, top)
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


def urgency(o: Obligation) -> tuple[Any, ...]:
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


def cached_status(as_of: date, settings: EngineSettings) -> ColumnElement[str]:
    """`derived_status` in SQL: the stored terminal status, else overdue / due soon / upcoming."""
    from vats.rules.status import status_sql

    c = CachedObligation.__table__.c
    return status_sql(c.due_date, as_of=as_of, due_soon_days=settings.due_soon_days, fixed=c.fixed_status)


def _cached_line(row: Any) -> ObligationLine:
    line = ObligationLine(*row)
    return line if line.subject else dataclasses.replace(line, subject=None)  # stored '' = none


def visible_scope(session: Session) -> list[ColumnElement[bool]]:
    """The filter on cached obligations for a session limited to some organisations (none otherwise)."""
    visible = scope_of(session).organisations
    if visible is None:
        return []
    lic = LicenceRecord.__table__.c
    return [
        CachedObligation.__table__.c.licence.in_(select(lic.number).where(lic.organisation_id.in_(visible)))
    ]


def _cached_counts(session: Session, status: PortfolioStatus, settings: EngineSettings) -> None:
    """Obligations per status and late completions: from the tally (a few hundred rows) for the
    whole portfolio; grouped over the visible licences' cached rows when the session is scoped."""
    scope = visible_scope(session)
    groups = _groups(scope)
    alerts = {s.value for s in ALERT}
    counts: Counter[str] = Counter()
    if scope:  # undated standing duties are counted in the state rows, not stored (see the tally)
        st = ObligationCacheState.__table__.c
        lic = LicenceRecord.__table__.c
        visible = select(lic.number).where(*scope_of(session).where(lic.organisation_id))
        standing = session.execute(select(func.sum(st.standing)).where(st.number.in_(visible))).scalar()
        counts[derived_status(None, status.as_of, settings).value] += int(standing or 0)
    late = 0
    for fixed, due, is_late, n in session.execute(groups):
        counts[fixed or derived_status(due, status.as_of, settings).value] += int(n)
        if is_late and fixed is not None and fixed not in alerts:  # late implies a stored status
            late += int(n)
    status.obligations_by_status = dict(sorted(counts.items()))
    status.late_completions = late


def _groups(scope: list[ColumnElement[bool]]) -> Select[Any]:
    """(stored status, due date, late, how many) of the cached rows: the tally for the whole
    portfolio, grouped over the visible licences' rows when the session is scoped."""
    if not scope:
        t = ObligationCacheTally.__table__.c
        return select(t.fixed_status, t.due_date, t.late, t.n)
    c = CachedObligation.__table__.c
    return (
        select(c.fixed_status, c.due_date, c.late, func.count())
        .where(*scope)
        .group_by(c.fixed_status, c.due_date, c.late)
    )


def due_between(session: Session, *, as_of: date, first: date, last: date) -> int:
    """How many visible obligations are still to do (due soon or upcoming on `as_of`) with a due
    date from `first` to `last`: the dashboard's "due in 30 days", the count of the obligations list
    filtered the same way. Reads the (refreshed) cache's tally, or the visible rows when scoped."""
    settings = configured_settings()
    wanted = {ObligationStatus.DUE_SOON.value, ObligationStatus.UPCOMING.value}
    total = 0
    for fixed, due, _late, n in session.execute(_groups(visible_scope(session))):
        dated = due is not None and first <= due <= last
        if dated and (fixed or derived_status(due, as_of, settings).value) in wanted:
            total += int(n)
    return total


def _cached_obligations(session: Session, status: PortfolioStatus, top: int, chunk: int) -> None:
    """Counts and top-N lists from `obligation_cache` (after an incremental refresh).

    Each list is read in the order of an index that holds all its ORDER BY columns, ties included
    (`ix_obligation_cache_urgency`, `ix_obligation_cache_recent`), so it stops after `top` rows
    however many obligations are overdue or were completed late.
    """
    settings = configured_settings()
    refresh_obligation_cache(
        session, as_of=status.as_of, chunk=chunk, settings=settings, live_licences=status.licences_total
    )
    _cached_counts(session, status, settings)
    c = CachedObligation.__table__.c
    scope = visible_scope(session)
    alerts = [s.value for s in ALERT]
    columns = (
        c.licence,
        c.rule_id,
        c.title_zh,
        c.title_en,
        cached_status(status.as_of, settings),
        c.due_date,
        c.subject,
        c.late,
        c.completed_on,
    )
    ties = (c.licence, c.rule_id, c.subject)  # code-point order on both databases (obligation_cache)
    soon = status.as_of + timedelta(days=settings.due_soon_days)
    # the urgent items in two parts merged here: stored alert statuses (rare: failed site checks)
    # and date-derived ones, where overdue dates all precede due-soon dates, so the engine's order
    # (overdue first, then due date) is plain due-date order
    parts = (
        select(*columns).where(c.fixed_status.in_(alerts), *scope).order_by(c.due_date, *ties),
        select(*columns)
        .where(c.fixed_status.is_(None), c.due_date <= soon, *scope)
        .order_by(c.fixed_status, c.due_date, *ties),
    )
    lines = [_cached_line(r) for part in parts for r in session.execute(part.limit(top))]
    lines.sort(key=_line_urgency)
    status.obligations = lines[:top]
    # late implies satisfied (a stored status): never overdue / due soon
    recent = select(*columns).where(c.late.is_(True), c.fixed_status.not_in(alerts), *scope)
    order = (c.late, c.completed_on.desc(), *ties)
    status.late = [_cached_line(r) for r in _first(session, recent, c.completed_on, order, top)]


def _line_urgency(line: ObligationLine) -> tuple[Any, ...]:
    """`urgency` for a cached line (same order, so cached and evaluated answers agree)."""
    rank = 0 if line.status == ObligationStatus.OVERDUE.value else 1
    return rank, line.due_date or date.max, line.licence, line.rule_id, line.subject or ""


def _evaluated_obligations(
    session: Session, status: PortfolioStatus, top: int, chunk: int, evaluate: Callable[..., Any]
) -> None:
    """The engine over every licence, chunk by chunk (no cache): counts and top N kept."""
    from vats.store.evaluate import evaluate_stored, live_licences

    counts: Counter[str] = Counter()
    urgent, late = TopN(top, urgency), TopN(top, _recency)
    chunks = live_licences(session, chunk=chunk, engine_only=True)
    for evaluated in evaluate_stored(session, as_of=status.as_of, chunks=chunks, evaluate=evaluate):
        for o in (o for e in evaluated for o in e.obligations):
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
    """The cache tables exist at their current shape (the tally came last, in migration 0006)."""
    return bool(inspect(session.connection()).has_table(ObligationCacheTally.__tablename__))


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
