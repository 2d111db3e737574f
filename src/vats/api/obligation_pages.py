"""One page of an obligations list (the REST API's and the web page's), answered at the cost of
the page rather than of the portfolio whenever it can be.

Three ways, chosen by the filter, each giving the same rows in the same order:
  * one licence named: that licence evaluated on its own;
  * a list the obligation cache can page (`CachedQuery.answerable`: anything not narrowed by rule,
    or that cannot hold undated standing duties, which the cache counts per licence and kind but
    does not store): counted and paged in SQL, and only the page's licences evaluated, to show
    their obligations whole (sources, deadlines to the minute);
  * anything else (the upcoming obligations of one rule, without a due range) from the evaluated
    portfolio (`views.portfolio`).
Order everywhere: a rank per status (`API_RANK` lists overdue first, `WORK_RANK` in workspace order),
then due date (undated last), licence, rule and subject.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from vats.api import views
from vats.api.deps import Principal
from vats.model.obligation_ids import URGENCY, engine_status
from vats.model.obligations import Obligation, ObligationStatus, RuleKind

API_RANK: Mapping[ObligationStatus, int] = {ObligationStatus.OVERDUE: 0}  # then everything else
WORK_RANK: Mapping[ObligationStatus, int] = {engine_status(s): n for s, n in URGENCY.items()}


@dataclass(frozen=True, slots=True)
class ObligationPage:
    total: int
    items: list[Obligation]
    organisation_of: Mapping[str, int | None]
    unverified: frozenset[str]


def list_order(rank: Mapping[ObligationStatus, int]) -> Any:
    """The sort key of the list order for evaluated obligations (the cache's SQL order)."""

    def key(o: Obligation) -> tuple[Any, ...]:
        return rank.get(o.status, len(rank)), o.due_date or date.max, o.licence, o.rule_id, o.subject or ""

    return key


def obligation_page(
    session: Session,
    principal: Principal,
    wanted: views.ObligationFilter,
    *,
    as_of: date,
    rank: Mapping[ObligationStatus, int],
    control: bool | None = None,
    offset: int,
    limit: int | None,
) -> ObligationPage:
    """Obligations matching `wanted` (continuous duties only when `control`, dated ones only when
    False) visible to the caller on `as_of`, rows offset..offset+limit (None: to the end)."""
    from vats.store.obligation_list import CachedQuery, cached_page

    query = CachedQuery(**dataclasses.asdict(wanted), control=control)  # the same fields, plus the kind
    if wanted.licence:
        return _evaluated(session, [wanted.licence], wanted, as_of, rank, control, offset, limit)
    if query.answerable and limit is not None:

        def compute() -> ObligationPage:
            total, keys = cached_page(
                session, as_of=as_of, query=query, rank=rank, offset=offset, limit=limit
            )
            return _materialised(session, total, keys, as_of, rank, wanted.status)

        key = ("obligations", as_of, query, tuple(sorted(rank.items())), offset, limit)
        found: ObligationPage = views.memo_cached(session, key, compute)
        return found
    p = views.portfolio(session, principal, as_of=as_of)
    items = _ordered(p, wanted, rank, control)
    end = None if limit is None else offset + limit
    return ObligationPage(len(items), list(items[offset:end]), p.organisation_of, p.unverified)


def _ordered(
    p: views.Portfolio,
    wanted: views.ObligationFilter,
    rank: Mapping[ObligationStatus, int],
    control: bool | None,
) -> tuple[Obligation, ...]:
    """The portfolio's matching obligations in list order, memoised on the (immutable) portfolio."""
    key = f"ordered:{wanted}:{sorted(rank.items())}:{control}"
    found = p.derived.get(key)
    if found is None:
        items = _kind(views.obligations_matching(p, wanted), control)
        found = p.derived[key] = tuple(sorted(items, key=list_order(rank)))
    ordered: tuple[Obligation, ...] = found
    return ordered


def _kind(items: Iterable[Obligation], control: bool | None) -> list[Obligation]:
    if control is None:
        return list(items)
    return [o for o in items if (o.kind is RuleKind.CONTINUOUS) == control]


def _evaluated(
    session: Session,
    numbers: list[str],
    wanted: views.ObligationFilter,
    as_of: date,
    rank: Mapping[ObligationStatus, int],
    control: bool | None,
    offset: int,
    limit: int | None,
) -> ObligationPage:
    """The page from these licences evaluated on their own."""
    from vats.store.evaluate import evaluate_licences

    evaluated = evaluate_licences(session, numbers=numbers, as_of=as_of)
    everything = tuple(o for e in evaluated for o in e.obligations)
    items = sorted(_kind(views.filter_obligations(everything, wanted), control), key=list_order(rank))
    end = None if limit is None else offset + limit
    return ObligationPage(
        len(items),
        items[offset:end],
        {e.stored.number: e.stored.organisation_id for e in evaluated},
        frozenset(e.stored.number for e in evaluated if e.stored.licence.from_sheet),
    )


def _materialised(
    session: Session,
    total: int,
    keys: list[Any],
    as_of: date,
    rank: Mapping[ObligationStatus, int],
    status: ObligationStatus | None,
) -> ObligationPage:
    """The cached page's rows as the engine's obligations: its licences evaluated on their own (the
    licences of a stretch of undated obligations too, which the cache counts but does not store)."""
    from vats.store.evaluate import evaluate_licences
    from vats.store.obligation_list import UndatedRun, key_of, undated_member

    numbers = {n for k in keys for n in (k.licences if isinstance(k, UndatedRun) else (k.licence,))}
    evaluated = evaluate_licences(session, numbers=numbers, as_of=as_of)
    found: dict[tuple[Any, ...], list[Obligation]] = {}
    of_licence: dict[str, list[Obligation]] = {}
    for o in (o for e in evaluated for o in e.obligations):
        found.setdefault(key_of(o), []).append(o)
        of_licence.setdefault(o.licence, []).append(o)
    items: list[Obligation] = []
    for k in keys:
        if isinstance(k, UndatedRun):
            run = [
                o
                for n in k.licences
                for o in of_licence.get(n, ())
                if undated_member(o, rank=rank, status=status)
            ]
            items += sorted(run, key=list_order(rank))[k.skip : k.skip + k.take]
            continue
        same = found.get((k.licence, k.rule_id, k.subject, k.due_date))
        if same:  # else archived since the count: the page shows one row fewer
            items.append(same.pop(0))
    return ObligationPage(
        total,
        items,
        {e.stored.number: e.stored.organisation_id for e in evaluated},
        frozenset(e.stored.number for e in evaluated if e.stored.licence.from_sheet),
    )
