"""Judging pages in real worker processes over socket pairs: same reports as inline, crash-tolerant."""

from __future__ import annotations

import asyncio
import multiprocessing
import os

from vats.checks.homepage import judge_page
from vats.checks.judging import JudgeWorkers
from vats.checks.results import Fetched, SiteReport, SiteTarget

LICENCE = "渝B2-20210467"


def _page(domain: str, footer: str, filler: int = 10) -> tuple[SiteTarget, Fetched]:
    body = f"<html><body><p>{'汽车资讯 ' * filler}</p><footer>{footer}</footer></body></html>".encode()
    fetched = Fetched(f"http://{domain}/", f"http://{domain}/", 200, body, "text/html; charset=utf-8")
    return SiteTarget(domain, LICENCE, frozenset({domain})), fetched


def _dying_judge(target: SiteTarget, fetched: Fetched) -> SiteReport:
    """Kills the worker process it runs in on `die.test`; judges normally everywhere else."""
    if target.domain == "die.test" and multiprocessing.parent_process() is not None:
        os._exit(1)
    return judge_page(target, fetched)


def _judge_all(size: int, judge: object, pages: list[tuple[SiteTarget, Fetched]]) -> list[SiteReport]:
    async def run() -> list[SiteReport]:
        async with JudgeWorkers(size, judge) as workers:  # type: ignore[arg-type]
            return list(await asyncio.gather(*(workers.judge(t, f) for t, f in pages)))

    return asyncio.run(run())


def test_worker_reports_equal_inline_reports() -> None:
    pages = [
        _page("a.test", f"经营许可证编号：{LICENCE}"),
        _page("b.test", "© 2026"),
        _page("big.test", LICENCE, filler=100_000),  # ~1.3 MB: several socket reads each way
    ]
    assert _judge_all(2, judge_page, pages) == [judge_page(t, f) for t, f in pages]


def test_a_dead_worker_is_replaced_by_inline_judging() -> None:
    pages = [_page("die.test", LICENCE), _page("a.test", LICENCE), _page("b.test", "")]
    reports = _judge_all(1, _dying_judge, pages)
    assert [r.target.domain for r in reports] == ["die.test", "a.test", "b.test"]
    assert [r.passed for r in reports] == [True, True, False]
