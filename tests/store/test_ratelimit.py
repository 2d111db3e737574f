"""The shared request counter behind the public routes' rate limit, on SQLite and PostgreSQL: exact
counts per bucket and window, old windows swept, and no lost or doubled count when several
processes hit one bucket at once."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import Engine, func, select

from vats.store.ratelimit import RateWindow, count_hit

T0 = 1_800_000_000.0  # a fixed instant, aligned to a 60 s window


def test_counts_per_bucket_and_window(engine: Engine) -> None:
    hits = [count_hit(engine, bucket="verify:1.2.3.4", window_s=60, now=T0 + i) for i in range(3)]
    assert hits == [1, 2, 3]
    assert count_hit(engine, bucket="verify:5.6.7.8", window_s=60, now=T0) == 1
    assert count_hit(engine, bucket="keys:1.2.3.4", window_s=60, now=T0) == 1
    assert count_hit(engine, bucket="verify:1.2.3.4", window_s=60, now=T0 + 60) == 1  # next window


def test_windows_before_the_previous_are_swept(engine: Engine) -> None:
    for minute in range(5):
        count_hit(engine, bucket=f"verify:{minute}", window_s=60, now=T0 + 60 * minute)
    with engine.connect() as conn:
        windows = sorted(conn.execute(select(RateWindow.window_no)).scalars())
    last = int((T0 + 240) // 60)
    assert windows == [last - 1, last]


def test_long_bucket_is_cut_not_refused(engine: Engine) -> None:
    assert count_hit(engine, bucket="verify:" + "x" * 500, window_s=60, now=T0) == 1
    assert count_hit(engine, bucket="verify:" + "x" * 500, window_s=60, now=T0) == 2


def _hammer(url: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from vats.store.db import make_engine

    eng = make_engine(url)
    out.put([count_hit(eng, bucket="verify:shared", window_s=3600, now=T0) for _ in range(n)])
    eng.dispose()


def test_processes_share_one_exact_count(engine: Engine, migrated_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_hammer, args=(migrated_url, 25, out)) for _ in range(3)]
    for p in procs:
        p.start()
    seen = [hit for _ in procs for hit in out.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
    assert sorted(seen) == list(range(1, 76))  # every hit counted once, none lost
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(RateWindow.hits))).scalar_one() == 75
