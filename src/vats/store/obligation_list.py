"""One page of an obligations list read from `obligation_cache`: how many match, and which ones (by
licence, rule, subject and due date) in list order, without evaluating the portfolio.

The cache holds every obligation except undated standing duties with no stored status, which it only
counts per licence (`obligation_cache_state.standing`, and `standing_controls` per kind). A list that
may hold them (no status or "upcoming", and no due range) is answered in three parts — stored rows
ranked before them, the undated part (named by licence: the caller evaluates those few licences),
stored rows ranked after — unless it is also narrowed by rule, which those counts cannot say:
`answerable` is then False and the caller evaluates instead. Statuses are derived from the stored
due date in SQL exactly as the engine derives them (`vats.rules.status.status_sql`), so a warm cache
answers any day.

List order: a rank per status (given by the caller, since the API lists overdue first and the web
page in workspace order), then the due date (undated last), then licence, rule and subject — the
cache's code-point tie order, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from vats.model.obligations import ObligationStatus, RuleKind
from vats.rules.settings import configured_settings
from vats.store.models import LicenceRecord
from vats.store.obligation_cache import CachedObligation, ObligationCacheState
from vats.store.obligation_refresh import refresh_obligation_cache
from vats.store.scope import scope_of
from vats.store.status import cached_status, visible_scope


@dataclass(frozen=True, slots=True)
class CachedQuery:
    """What the list is narrowed by; `control` True keeps only continuous duties, False only dated
    ones, None both."""

    status: ObligationStatus | None = None
    licence: str | None = None
    rule: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    control: bool | None = None

    @property
    def holds_standing(self) -> bool:
        """Whether the list may hold undated standing duties, which the cache counts per licence
        but does not store (see the module docstring)."""
        dated = self.due_from is not None or self.due_to is not None
        return not dated and self.status in (None, ObligationStatus.UPCOMING)

    @property
    def answerable(self) -> bool:
        """Whether the cache can list it: standing duties are counted per licence and kind, not per
        rule."""
        return not self.holds_standing or self.rule is None


@dataclass(frozen=True, slots=True)
class CachedKey:
    """One listed obligation as the cache names it (enough to find it in its licence's evaluation)."""

    licence: str
    rule_id: str
    subject: str | None
    due_date: date | None


@dataclass(frozen=True, slots=True)
class UndatedRun:
    """A stretch of the list's undated part, which the cache does not hold whole: `take` obligations,
    after skipping `skip`, of these licences' undated obligations (see `undated_member`) ordered by
    licence, rule and subject. The caller evaluates the licences to list them."""

    licences: tuple[str, ...]
    skip: int
    take: int


def undated_member(o: Any, *, rank: Mapping[ObligationStatus, int], status: ObligationStatus | None) -> bool:
    """Whether an evaluated obligation belongs to the list's undated part: no due date, ranked with
    upcoming obligations (where undated standing duties sort), and of the wanted status."""
    upcoming = rank.get(ObligationStatus.UPCOMING, len(rank))
    wanted = status is None or o.status is status
    return o.due_date is None and rank.get(o.status, len(rank)) == upcoming and wanted


def cached_page(
    session: Session,
    *,
    as_of: date,
    query: CachedQuery,
    rank: Mapping[ObligationStatus, int],
    offset: int,
    limit: int,
) -> tuple[int, list[CachedKey | UndatedRun]]:
    """(how many visible obligations match `query` on `as_of`, rows offset..offset+limit) after
    refreshing the cache; `rank` orders the statuses (smaller first).

    A list that may hold undated standing duties is three parts: the stored rows ranked before them,
    the undated part (stored undated rows of upcoming's rank plus each licence's standing count, in
    licence order), the stored rows ranked after. The undated part comes back as an `UndatedRun`."""
    if not query.answerable:
        raise ValueError("the list may hold standing duties by rule or kind, which the cache only counts")
    settings = configured_settings()
    refresh_obligation_cache(session, as_of=as_of, settings=settings)
    c = CachedObligation.__table__.c
    status = cached_status(as_of, settings)
    where = [*visible_scope(session), *_conditions(query, status)]
    ranked = case(*((status == s.value, literal(n)) for s, n in rank.items()), else_=literal(len(rank)))
    order = (ranked, c.due_date.is_(None), c.due_date, c.licence, c.rule_id, c.subject)

    def count(*more: ColumnElement[bool]) -> int:
        found = session.execute(select(func.count()).select_from(CachedObligation).where(*where, *more))
        return int(found.scalar() or 0)

    def keys(skip: int, take: int, *more: ColumnElement[bool]) -> list[CachedKey | UndatedRun]:
        rows = session.execute(
            select(c.licence, c.rule_id, c.subject, c.due_date)
            .where(*where, *more)
            .order_by(*order)
            .offset(skip)
            .limit(take)
        )
        return [CachedKey(r.licence, r.rule_id, r.subject or None, r.due_date) for r in rows]  # '' = none

    offset = max(offset, 0)
    if not query.holds_standing:
        return count(), keys(offset, limit)
    upcoming = rank.get(ObligationStatus.UPCOMING, len(rank))
    undated = and_(ranked == upcoming, c.due_date.is_(None))
    before = or_(ranked < upcoming, and_(ranked == upcoming, c.due_date.is_not(None)))
    head = count(before)
    standing = _standing(session, query)
    middle = int(session.execute(select(func.coalesce(func.sum(standing.c.n), 0))).scalar() or 0)
    middle += count(undated)
    out = keys(offset, limit, before) if offset < head else []
    start = max(offset - head, 0)
    if len(out) < limit and start < middle:  # per-licence counts only for a page that reaches them
        runs = _undated_counts(session, standing, where, undated)
        out.append(_undated_run(runs, start, limit - len(out)))
    taken = sum(r.take if isinstance(r, UndatedRun) else 1 for r in out)
    if taken < limit:
        out += keys(max(offset - head - middle, 0), limit - taken, ranked > upcoming)
    return head + middle + count(ranked > upcoming), out


def _standing(session: Session, query: CachedQuery) -> Subquery:
    """(number, n): each visible licence's standing duties of the wanted kind, which the cache counts
    in the state rows instead of storing."""
    st, lic = ObligationCacheState.__table__.c, LicenceRecord.__table__.c
    visible = scope_of(session).where(lic.organisation_id)
    standing: ColumnElement[Any]
    if query.control is None:
        standing = st.standing
    else:
        standing = st.standing_controls if query.control else st.standing - st.standing_controls
    states = select(st.number, standing.label("n"))
    if visible:
        states = states.where(st.number.in_(select(lic.number).where(*visible)))
    if query.licence:
        states = states.where(st.number == query.licence)
    return states.subquery()


def _undated_counts(
    session: Session, standing: Subquery, where: list[ColumnElement[bool]], undated: ColumnElement[bool]
) -> list[tuple[str, int]]:
    """Each visible licence's number of obligations in the undated part (standing duties counted in
    its state row, plus its stored undated rows), in licence (code point) order."""
    counts = {number: int(n) for number, n in session.execute(select(standing.c.number, standing.c.n))}
    c = CachedObligation.__table__.c
    for number, n in session.execute(
        select(c.licence, func.count()).where(*where, undated).group_by(c.licence)
    ):
        counts[number] = counts.get(number, 0) + int(n)
    return sorted((number, n) for number, n in counts.items() if n)


def _undated_run(runs: list[tuple[str, int]], start: int, want: int) -> UndatedRun:
    """The licences holding undated items start..start+want (positions in the undated part)."""
    seen, skip = 0, 0
    chosen: list[str] = []
    for number, n in runs:
        if seen + n <= start:
            seen += n
            continue
        if not chosen:
            skip = start - seen
        chosen.append(number)
        seen += n
        if seen >= start + want:
            break
    return UndatedRun(tuple(chosen), skip, min(want, seen - start))


def _conditions(query: CachedQuery, status: ColumnElement[str]) -> list[ColumnElement[bool]]:
    c = CachedObligation.__table__.c
    where: list[ColumnElement[bool]] = []
    if query.status is not None:
        where.append(status == query.status.value)
    if query.licence:
        where.append(c.licence == query.licence)
    if query.rule:
        where.append(c.rule_id == query.rule)
    if query.due_from is not None:
        where.append(c.due_date >= query.due_from)
    if query.due_to is not None:
        where.append(c.due_date <= query.due_to)
    if query.control is not None:
        continuous = c.kind == RuleKind.CONTINUOUS.value
        where.append(continuous if query.control else ~continuous)
    return where


def key_of(o: Any) -> tuple[str, str, str | None, date | None]:
    """The `CachedKey` fields of an evaluated obligation, to match it with its cached row."""
    return o.licence, o.rule_id, o.subject or None, o.due_date


def cached_licence_of(session: Session, *, ident: str, as_of: date) -> str | None:
    """The licence of the visible cached obligation with this stable id, after refreshing the cache
    (None: no such row — a standing duty the cache only counts, another organisation's, or none)."""
    refresh_obligation_cache(session, as_of=as_of)
    c = CachedObligation.__table__.c
    found = session.execute(select(c.licence).where(c.ident == ident, *visible_scope(session)).limit(1))
    licence: str | None = found.scalar()
    return licence
