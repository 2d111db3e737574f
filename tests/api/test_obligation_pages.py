"""Obligation list pages answered from the cache (or one licence's evaluation) agree with the
evaluated portfolio: same total, same rows, same order, whole and scoped."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from factories import small_portfolio
from vats.api import views
from vats.api.deps import Principal, Role
from vats.api.obligation_pages import API_RANK, WORK_RANK, list_order, obligation_page
from vats.model.obligation_ids import obligation_id
from vats.model.obligations import ObligationStatus, RuleKind

ADMIN = Principal(name="admin", role=Role.ADMIN)
AS_OF = date(2026, 11, 2)


def _expected(session: Any, wanted: views.ObligationFilter, rank: Any, control: bool | None) -> list[str]:
    from vats.store.evaluate import evaluate_stored

    everything = tuple(
        o for chunk in evaluate_stored(session, as_of=AS_OF) for e in chunk for o in e.obligations
    )
    items = views.filter_obligations(everything, wanted)
    if control is not None:
        items = [o for o in items if (o.kind is RuleKind.CONTINUOUS) == control]
    return [obligation_id(o) for o in sorted(items, key=list_order(rank))]


@pytest.fixture
def portfolio_engine(db_url: str, seed_path: Path) -> Any:
    from vats.store.db import make_engine

    small_portfolio(db_url, seed_path)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


FILTERS = [
    views.ObligationFilter(status=ObligationStatus.OVERDUE),
    views.ObligationFilter(status=ObligationStatus.DUE_SOON),
    views.ObligationFilter(status=ObligationStatus.SATISFIED),
    views.ObligationFilter(due_from=AS_OF, due_to=AS_OF + timedelta(days=30)),
    views.ObligationFilter(
        due_from=AS_OF, due_to=AS_OF + timedelta(days=400), status=ObligationStatus.UPCOMING
    ),
    views.ObligationFilter(due_to=AS_OF + timedelta(days=90)),
]


def test_cached_pages_agree_with_the_evaluated_portfolio(portfolio_engine: Any) -> None:
    from vats.store.db import session_scope
    from vats.store.obligation_list import CachedQuery, UndatedRun, cached_page

    with session_scope(portfolio_engine, actor="t") as s:
        evaluated = _all(s)
        numbers = [e.stored.number for e in evaluated]
        undated_rule = next(o.rule_id for e in evaluated for o in e.obligations if o.due_date is None)
        filters = [
            *FILTERS,
            views.ObligationFilter(licence=numbers[0]),
            views.ObligationFilter(),
            views.ObligationFilter(status=ObligationStatus.UPCOMING),
            views.ObligationFilter(rule=undated_rule),
        ]
        for wanted in filters:
            for rank in (API_RANK, WORK_RANK):
                for control in (None, False, True):
                    expected = _expected(s, wanted, rank, control)
                    pages = [
                        obligation_page(
                            s, ADMIN, wanted, as_of=AS_OF, rank=rank, control=control, offset=o, limit=7
                        )
                        for o in range(0, max(len(expected), 1), 7)
                    ]
                    assert {p.total for p in pages} == {len(expected)}, wanted
                    assert [obligation_id(o) for p in pages for o in p.items] == expected, wanted
        assert CachedQuery().answerable and CachedQuery(status=ObligationStatus.UPCOMING).answerable
        assert not CachedQuery(rule="x").answerable and CachedQuery(control=False).answerable
        assert CachedQuery(rule="x", status=ObligationStatus.OVERDUE, control=True).answerable
        whole = cached_page(s, as_of=AS_OF, query=CachedQuery(), rank=WORK_RANK, offset=0, limit=10_000)[1]
        assert any(isinstance(r, UndatedRun) for r in whole)  # standing duties were listed, not only rows
        overdue = obligation_page(s, ADMIN, FILTERS[0], as_of=AS_OF, rank=API_RANK, offset=0, limit=50)
        assert overdue.total > 0  # the comparison covers rows, not only empty lists


def test_scoped_pages_keep_to_the_callers_organisations(portfolio_engine: Any) -> None:
    from vats.store.db import session_scope

    with session_scope(portfolio_engine, actor="t") as s:
        stored = [e.stored for e in _all(s)]
    org = stored[-1].organisation_id
    viewer = Principal(name="v", role=Role.VIEWER, organisations=frozenset({org}))  # type: ignore[arg-type]
    with session_scope(portfolio_engine, actor="v", organisations={org}) as s:  # type: ignore[arg-type]
        for wanted in (*FILTERS, views.ObligationFilter()):
            found = obligation_page(s, viewer, wanted, as_of=AS_OF, rank=API_RANK, offset=0, limit=500)
            assert [obligation_id(o) for o in found.items] == _expected(s, wanted, API_RANK, None)
            assert {o.licence for o in found.items} <= {stored[-1].number}


def _all(session: Any) -> list[Any]:
    from vats.store.evaluate import evaluate_stored

    return [e for chunk in evaluate_stored(session, as_of=AS_OF) for e in chunk]


def test_an_obligation_is_found_through_its_licence_alone(portfolio_engine: Any) -> None:
    from vats.api import workspace
    from vats.model.errors import NotFoundError
    from vats.store.db import session_scope

    with session_scope(portfolio_engine, actor="t") as s:
        evaluated = _all(s)
        dated = [o for e in evaluated for o in e.obligations if o.due_date is not None]
        views._CACHE.portfolios.clear()
        for ob in dated[:: max(len(dated) // 10, 1)]:
            target = workspace.find(s, ADMIN, obligation_id(ob), as_of=AS_OF)
            assert target.obligation == ob
        assert not views._CACHE.portfolios  # no portfolio was evaluated for them
        standing = next(o for e in evaluated for o in e.obligations if o.due_date is None)
        assert workspace.find(s, ADMIN, obligation_id(standing), as_of=AS_OF).obligation == standing
    outsider = Principal(name="o", role=Role.VIEWER, organisations=frozenset({999}))
    with session_scope(portfolio_engine, actor="o", organisations={999}) as s, pytest.raises(NotFoundError):
        workspace.find(s, outsider, obligation_id(dated[0]), as_of=AS_OF)  # another organisation's
