"""Obligation cache: the cached status equals a fresh engine evaluation, and refresh is incremental."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from store.helpers import make_licence
from vats.model.errors import ExitCode, UnavailableError
from vats.model.licence import Licence
from vats.model.obligations import Evaluation, Event
from vats.reference.rules_library import default_library
from vats.rules.engine import evaluate
from vats.store.db import session_scope
from vats.store.events import record_event
from vats.store.licences import import_licence
from vats.store.models import LicenceRecord
from vats.store.obligation_cache import CachedObligation, ObligationCacheState, ObligationCacheTally
from vats.store.obligation_refresh import refresh_obligation_cache
from vats.store.scope import Scope, bind
from vats.store.status import PortfolioStatus, portfolio_status

# before and after the reference disposal's due date, across year boundaries and report windows
DAYS = (
    date(2026, 1, 5),
    date(2026, 3, 30),
    date(2026, 9, 29),
    date(2026, 10, 16),
    date(2026, 10, 17),
    date(2026, 10, 21),
    date(2026, 11, 28),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 4, 1),
    date(2027, 12, 20),
    date(2028, 1, 2),
    date(2026, 6, 1),  # back in time: must recompute
)


def _window_rule() -> str:
    return next(r.id for r in default_library().rules if r.trigger.window is not None)


def _portfolio(engine: Engine, seed_path: Path) -> tuple[str, list[str]]:
    """The reference licence with a late disposal report, plus synthetic licences with checks,
    a future-dated waiver and a holder-wide annual report."""
    with session_scope(engine, actor="t") as s:
        ref = import_licence(s, path=seed_path).number
        for kind, day in (
            ("illegal_info_disposed", date(2026, 9, 28)),
            ("illegal_info_reported", date(2026, 10, 20)),
        ):
            record_event(s, event=Event(kind, day, ref, fields={"subject": "case:1"}))
        others = []
        for seed in (3, 11, 42):
            lic = make_licence(seed)
            others.append(import_licence(s, licence=lic).number)
            for site in lic.sites[:1]:
                record_event(
                    s,
                    event=Event(
                        "site_check_passed", date(2026, 6, 1), lic.number, fields={"domain": site.domain}
                    ),
                )
        record_event(
            s,
            event=Event(
                "obligation_waived",
                date(2026, 12, 15),
                others[0],
                fields={"rule": _window_rule(), "reason": "测试"},
            ),
        )
        record_event(s, event=Event("annual_report_filed", date(2026, 3, 1), fields={"year": 2025}))
    return ref, others


def _per_licence(
    licences: list[Licence],
    events: list[Event],
    as_of: date,
    profiles: dict[str, frozenset[str]] | None = None,
) -> Evaluation:
    """The engine run licence by licence, each with only its own and holder-wide events (a waiver
    recorded for one licence must not waive the rule for the others)."""
    out = []
    for lic in licences:
        keys = {lic.number, None, lic.number_info.base if lic.number_info else None}
        mine = [e for e in events if e.licence in keys]
        out.extend(evaluate([lic], mine, as_of, profiles=profiles).obligations)
    return Evaluation(obligations=out, findings=[], as_of=as_of)


def _tally_matches_cache(s: Session) -> bool:
    """The incrementally kept tally is exactly the grouped count of the cached rows, plus the
    undated standing duties the state rows count instead of storing."""
    c, t = CachedObligation, ObligationCacheTally
    grouped = select(c.fixed_status, c.due_date, c.late, func.count()).group_by(
        c.fixed_status, c.due_date, c.late
    )
    tally: Counter[tuple[object, ...]] = Counter()
    for fixed, due, late, n in s.execute(select(t.fixed_status, t.due_date, t.late, t.n)):
        tally[(fixed, due, late)] += n
    rows = Counter({(fixed, due, late): n for fixed, due, late, n in s.execute(grouped)})
    rows[(None, None, False)] += s.execute(select(func.sum(ObligationCacheState.standing))).scalar() or 0
    return tally == +rows


def _compare(engine: Engine, day: date) -> PortfolioStatus:
    with session_scope(engine, actor="t") as s:
        cached = portfolio_status(s, as_of=day, top=1000)
        fresh = portfolio_status(s, as_of=day, top=1000, evaluate=_per_licence)
        assert _tally_matches_cache(s), day
    assert cached == fresh, day
    return cached


def test_cached_status_equals_engine_across_dates(engine: Engine, seed_path: Path) -> None:
    ref, _ = _portfolio(engine, seed_path)
    seen: set[str] = set()
    for day in DAYS:
        status = _compare(engine, day)
        seen.update(status.obligations_by_status)
    assert {"overdue", "due_soon", "upcoming", "satisfied"} <= seen
    status = _compare(engine, date(2026, 11, 28))
    late = [o for o in status.late if o.licence == ref and o.subject == "case:1"]
    assert len(late) == 1
    assert (late[0].due_date, late[0].completed_on, late[0].late) == (
        date(2026, 10, 16),
        date(2026, 10, 20),
        True,
    )


def test_warm_cache_recomputes_nothing_and_survives_later_days(engine: Engine, seed_path: Path) -> None:
    _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    with session_scope(engine, actor="t") as s:
        assert refresh_obligation_cache(s, as_of=day) == 4
        assert refresh_obligation_cache(s, as_of=day) == 0
        valid = {
            n: v for n, v in s.execute(select(ObligationCacheState.number, ObligationCacheState.valid_until))
        }
    later = min(valid.values())
    assert later > day  # at least one more day answered from the cache alone
    with session_scope(engine, actor="t") as s:
        assert refresh_obligation_cache(s, as_of=later) == 0
    _compare(engine, later)


def test_new_event_dirties_only_its_licence(engine: Engine, seed_path: Path) -> None:
    ref, others = _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        record_event(
            s,
            event=Event("illegal_info_disposed", date(2026, 11, 20), others[1], fields={"subject": "case:9"}),
        )
    with session_scope(engine, actor="t") as s:
        computed = {
            n: v for n, v in s.execute(select(ObligationCacheState.number, ObligationCacheState.dirty))
        }
        assert refresh_obligation_cache(s, as_of=day) == 1
    assert set(computed) == {ref, *others}
    status = _compare(engine, day)
    assert any(o.licence == others[1] and o.subject == "case:9" for o in status.obligations)


def test_holder_wide_event_dirties_every_licence(engine: Engine, seed_path: Path) -> None:
    _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        record_event(s, event=Event("annual_report_filed", date(2026, 11, 1), fields={"year": 2026}))
        assert refresh_obligation_cache(s, as_of=day) == 4
    _compare(engine, day)


def test_new_revision_dirties_its_licence(engine: Engine, seed_path: Path) -> None:
    _, others = _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        lic = dataclasses.replace(make_licence(11), expiry_date=date(2026, 12, 10))
        assert lic.number == others[1]
        assert import_licence(s, licence=lic).current_revision == 2
        assert refresh_obligation_cache(s, as_of=day) == 1
    _compare(engine, day)


@pytest.mark.parametrize("day", [date(2026, 11, 28), date(2027, 2, 1)])
def test_status_without_changes_is_stable(engine: Engine, seed_path: Path, day: date) -> None:
    _portfolio(engine, seed_path)
    first = _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        again = portfolio_status(s, as_of=day, top=1000)
    assert again == first


def test_day_by_day_sweep_reuses_the_cache_and_stays_exact(engine: Engine, seed_path: Path) -> None:
    """Every sixth day for a year and a half: equal to the engine each time, and most days need
    no recomputation at all (the validity span does its job)."""
    _portfolio(engine, seed_path)
    reused = 0
    day = date(2026, 8, 1)
    while day < date(2028, 2, 1):
        with session_scope(engine, actor="t") as s:
            reused += refresh_obligation_cache(s, as_of=day) == 0
        _compare(engine, day)
        day += timedelta(days=6)
    assert reused > 0, reused


def test_archived_licence_leaves_the_cache(engine: Engine, seed_path: Path) -> None:
    from vats.store.models import LicenceRecord

    _, others = _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        record = s.scalars(select(LicenceRecord).where(LicenceRecord.number == others[2])).one()
        record.archived = True
    status = _compare(engine, day)
    assert status.licences_total == 3
    assert all(o.licence != others[2] for o in status.obligations)
    with session_scope(engine, actor="t") as s:
        assert others[2] not in set(s.scalars(select(ObligationCacheState.number)))


def test_top_n_lists_stop_early_and_keep_the_order(engine: Engine, seed_path: Path) -> None:
    """Short lists (read in index order, NULL keys last) are the heads of the full ones."""
    _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    full = _compare(engine, day)
    for top in (1, 2, 3):
        with session_scope(engine, actor="t") as s:
            short = portfolio_status(s, as_of=day, top=top)
        assert short.obligations == full.obligations[:top]
        assert short.late == full.late[:top]
        assert short.licences == full.licences[:top]


def test_scoped_status_counts_only_the_visible_licences(engine: Engine, seed_path: Path) -> None:
    ref, _ = _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        org = s.scalars(select(LicenceRecord.organisation_id).where(LicenceRecord.number == ref)).one()
        bind(s, Scope.of("t", [org]))
        cached = portfolio_status(s, as_of=day, top=1000)
        fresh = portfolio_status(s, as_of=day, top=1000, evaluate=_per_licence)
    assert (cached.obligations_by_status, cached.late_completions) == (
        fresh.obligations_by_status,
        fresh.late_completions,
    )
    assert (cached.obligations, cached.late) == (fresh.obligations, fresh.late)
    assert {o.licence for o in cached.obligations + cached.late} == {ref}


def test_concurrent_refreshes_write_each_licence_once(engine: Engine, seed_path: Path) -> None:
    """Two `vats status` at once: the second waits on the refresh lock, then finds nothing stale
    (without the lock it would insert the same rows again, or fail on the state table's key)."""
    _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    done: dict[str, int] = {}

    def second() -> None:
        with session_scope(engine, actor="second") as s:
            done["second"] = refresh_obligation_cache(s, as_of=day)

    with session_scope(engine, actor="first") as s:
        done["first"] = refresh_obligation_cache(s, as_of=day)  # holds the lock until commit
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=1.0)  # room for the second refresh to reach the lock (no timing assertion)
    thread.join()
    assert done == {"first": 4, "second": 0}
    status = _compare(engine, day)
    with session_scope(engine, actor="t") as s:
        rows = s.scalar(select(func.count()).select_from(CachedObligation))
        standing = s.scalar(select(func.sum(ObligationCacheState.standing)))
        states = s.scalar(select(func.count()).select_from(ObligationCacheState))
    assert rows + standing == sum(status.obligations_by_status.values())  # each obligation once
    assert rows and standing and states == 4


def test_refresh_that_cannot_get_the_lock_says_so(engine: Engine, seed_path: Path) -> None:
    """A second refresh that gives up waiting (a first run over a big portfolio takes minutes) gets a
    clear "try again" error with the service-unavailable exit code, not an internal error."""
    _portfolio(engine, seed_path)
    day = date(2026, 11, 28)
    failures: list[BaseException] = []
    short_wait = (
        "SET lock_timeout = '50ms'" if engine.dialect.name == "postgresql" else "PRAGMA busy_timeout = 50"
    )

    def second() -> None:
        try:
            with session_scope(engine, actor="second") as s:
                s.execute(text(short_wait))
                refresh_obligation_cache(s, as_of=day)
        except BaseException as exc:  # collected for the main thread's assertion
            failures.append(exc)

    with session_scope(engine, actor="first") as s:
        refresh_obligation_cache(s, as_of=day)  # holds the lock until commit
        thread = threading.Thread(target=second)
        thread.start()
        thread.join()
    assert len(failures) == 1 and isinstance(failures[0], UnavailableError)
    assert failures[0].exit_code == ExitCode.UNAVAILABLE and "try again" in str(failures[0])
