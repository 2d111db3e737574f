"""Portfolio status (`vats status`): licences, obligations, open register items, failing checks.

Built to stream: licence counts and the soonest expiries come from SQL aggregates; obligations come
from the rules engine run over chunks of licences, each with only its own events (one indexed query
per chunk), and only counts plus the top N most urgent items are kept — memory stays flat whether
the portfolio holds 5 licences or 100,000.

Layering: this module sits in the store and must not import the registers or report layers, so
open register counts and failing checks are passed in as callables by the caller (the CLI).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.store.events import events_query, to_event
from vats.store.licences import iter_domain_licences
from vats.store.models import EventRow, LicenceRecord

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


def _chunk_events(session: Session, licences: list[Licence], shared: list[Event]) -> list[Event]:
    numbers: set[str] = set()
    for lic in licences:
        numbers.add(lic.number)
        if lic.number_info is not None:
            numbers.add(lic.number_info.base)
    own = [to_event(r) for r in session.execute(events_query(licences=numbers, include_shared=False))]
    return own + shared


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
    """Everything `vats status` shows, computed chunk by chunk."""
    if evaluate is None:
        from vats.rules.engine import evaluate as engine_evaluate

        evaluate = engine_evaluate
    status = PortfolioStatus(as_of=as_of)
    status.licences_total, status.licences_expired, status.licences_expiring, status.licences = (
        _licence_lines(session, as_of, top)
    )
    holder_wide = events_query().where(EventRow.__table__.c.licence.is_(None))
    shared = [to_event(r) for r in session.execute(holder_wide)]
    counts: Counter[str] = Counter()
    urgent, late = TopN(top, _urgency), TopN(top, _recency)
    for licences in iter_domain_licences(session, chunk=chunk):
        evaluation = evaluate(licences, _chunk_events(session, licences, shared), as_of)
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
    if register_counts is not None:
        status.open_register_items = register_counts(session)
    if failing_sites is not None:
        sites = sorted(set(failing_sites(session)))
        status.failing_checks = len(sites)
        status.failing_sites = sites[:top]
    return status
