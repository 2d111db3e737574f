"""The obligation cache refreshed in slices: the same rows, tally and fast path as a whole refresh,
whichever order the slices run in and however often."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select, update

from store.test_obligation_cache import _compare, _portfolio, _tally_matches_cache
from vats.store.db import session_scope
from vats.store.obligation_cache import ObligationCacheState, ObligationCacheTally
from vats.store.obligation_chunks import finish_slices, plan_slices, refresh_slice
from vats.store.obligation_refresh import refresh_obligation_cache

DAY = date(2026, 11, 28)


def _tally(engine: Engine) -> list[tuple[object, ...]]:
    t = ObligationCacheTally
    with session_scope(engine, actor="t") as s:
        return sorted(map(tuple, s.execute(select(t.fixed_status, t.due_date, t.late, t.n))), key=repr)


def test_slices_fill_the_cache_like_one_refresh(engine: Engine, seed_path: Path) -> None:
    _portfolio(engine, seed_path)
    with session_scope(engine, actor="t") as s:
        plan = plan_slices(s, as_of=DAY, size=3)
    assert [n for _a, _u, n in plan.slices] == [3, 1] and plan.licences == 4
    done = []
    for after, until, _n in reversed(plan.slices):  # any order
        with session_scope(engine, actor="t") as s:
            done.append(refresh_slice(s, as_of=DAY, after=after, until=until))
    with session_scope(engine, actor="t") as s:
        again = refresh_slice(s, as_of=DAY, after=plan.slices[0][0], until=plan.slices[0][1])
        finish_slices(s, audit_seen=plan.audit_seen)
    first = _tally(engine)
    with session_scope(engine, actor="t") as s:
        finish_slices(s, audit_seen=plan.audit_seen)  # finishing twice writes the same
        assert _tally_matches_cache(s)
        assert refresh_obligation_cache(s, as_of=DAY) == 0  # the warm fast path holds
        states = s.execute(select(ObligationCacheState.number)).scalars().all()
    assert done == [1, 3] and again == 0 and len(states) == 4
    assert _tally(engine) == first
    _compare(engine, DAY)


def test_nothing_stale_plans_no_slice(engine: Engine, seed_path: Path) -> None:
    _portfolio(engine, seed_path)
    with session_scope(engine, actor="t") as s:
        refresh_obligation_cache(s, as_of=DAY)
    with session_scope(engine, actor="t") as s:
        plan = plan_slices(s, as_of=DAY, size=3)
    assert plan.slices == () and plan.licences == 0


def test_a_whole_refresh_between_slices_finishes_the_work_and_recounts(
    engine: Engine, seed_path: Path
) -> None:
    _portfolio(engine, seed_path)
    with session_scope(engine, actor="t") as s:
        refresh_obligation_cache(s, as_of=DAY)
        s.execute(update(ObligationCacheState).values(dirty=True))  # as a rules update would leave it
    with session_scope(engine, actor="t") as s:
        plan = plan_slices(s, as_of=DAY, size=3)
    (a1, u1, _n1), (a2, u2, _n2) = plan.slices
    with session_scope(engine, actor="t") as s:
        assert refresh_slice(s, as_of=DAY, after=a1, until=u1) == 3
    with session_scope(engine, actor="t") as s:  # the job failed, or a status read came first
        assert refresh_obligation_cache(s, as_of=DAY) == 1
        assert _tally_matches_cache(s)
    with session_scope(engine, actor="t") as s:
        assert refresh_slice(s, as_of=DAY, after=a2, until=u2) == 0
        finish_slices(s, audit_seen=plan.audit_seen)
        assert _tally_matches_cache(s) and refresh_obligation_cache(s, as_of=DAY) == 0
    _compare(engine, DAY)
