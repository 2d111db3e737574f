"""One page of an obligations list read from `obligation_cache`: how many match, and which ones (by
licence, rule, subject and due date) in list order, without evaluating the portfolio.

The cache holds every obligation except undated standing duties with no stored status, which it only
counts (`obligation_cache_state.standing`). A list that could contain one of those (no status or
"upcoming", and no due range) cannot be answered here: `answerable` says so and the caller evaluates
instead. Statuses are derived from the stored due date in SQL exactly as the engine derives them
(`vats.rules.status.status_sql`), so a warm cache answers any day.

List order: a rank per status (given by the caller, since the API lists overdue first and the web
page in workspace order), then the due date (undated last), then licence, rule and subject — the
cache's code-point tie order, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from vats.model.obligations import ObligationStatus, RuleKind
from vats.rules.settings import EngineSettings
from vats.store.obligation_cache import CachedObligation
from vats.store.obligation_refresh import refresh_obligation_cache
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
    def answerable(self) -> bool:
        """Whether every obligation the list may hold is a cached row (see the module docstring)."""
        dated = self.due_from is not None or self.due_to is not None
        return dated or self.status not in (None, ObligationStatus.UPCOMING)


@dataclass(frozen=True, slots=True)
class CachedKey:
    """One listed obligation as the cache names it (enough to find it in its licence's evaluation)."""

    licence: str
    rule_id: str
    subject: str | None
    due_date: date | None


def cached_page(
    session: Session,
    *,
    as_of: date,
    query: CachedQuery,
    rank: Mapping[ObligationStatus, int],
    offset: int,
    limit: int,
) -> tuple[int, list[CachedKey]]:
    """(how many visible obligations match `query` on `as_of`, the keys of rows offset..offset+limit)
    after refreshing the cache; `rank` orders the statuses (smaller first)."""
    if not query.answerable:
        raise ValueError("the list may hold standing duties the cache does not store")
    settings = EngineSettings()
    refresh_obligation_cache(session, as_of=as_of, settings=settings)
    c = CachedObligation.__table__.c
    status = cached_status(as_of, settings)
    where = [*visible_scope(session), *_conditions(query, status)]
    total = session.execute(select(func.count()).select_from(CachedObligation).where(*where)).scalar()
    ranked = case(*((status == s.value, literal(n)) for s, n in rank.items()), else_=literal(len(rank)))
    rows = session.execute(
        select(c.licence, c.rule_id, c.subject, c.due_date)
        .where(*where)
        .order_by(ranked, c.due_date.is_(None), c.due_date, c.licence, c.rule_id, c.subject)
        .offset(max(offset, 0))
        .limit(limit)
    )
    keys = [CachedKey(r.licence, r.rule_id, r.subject or None, r.due_date) for r in rows]  # '' = none
    return int(total or 0), keys


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
