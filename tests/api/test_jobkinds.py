"""Recorded jobs run through the shared services, in-process and fanned out in batches; each kind run
twice changes nothing the second time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from store.test_obligation_cache import _compare, _portfolio
from vats.api import jobkinds
from vats.checks.fixture_server import FixtureServer, Route
from vats.checks.inventory import InventoryItem, SiteKind
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import SiteTarget
from vats.store import background
from vats.store.background import JobRequest
from vats.store.checks import CheckRun, import_inventory
from vats.store.db import make_engine, session_scope
from vats.store.obligation_refresh import refresh_obligation_cache

LICENCE = "渝B2-20210467"
PAGE = f"<html><body><footer>经营许可证编号：{LICENCE}</footer></body></html>".encode()
HOSTS = [f"s{i}.jobkinds.test" for i in range(5)]
DAY = date(2026, 11, 28)


@pytest.fixture
def fleet() -> Iterator[FixtureServer]:
    with FixtureServer({h: Route(PAGE) for h in HOSTS}) as server:
        yield server


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    items = [InventoryItem(kind=SiteKind.WEBSITE, name=h, domain=h, licence=LICENCE) for h in HOSTS]
    with session_scope(engine, actor="setup") as session:
        import_inventory(session, items=items)
    yield engine
    engine.dispose()


@pytest.fixture
def bare_engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def _policy(fleet: FixtureServer) -> NetPolicy:
    return NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in fleet.resolve_args()))


def _submit(engine: Engine, request: JobRequest) -> int:
    with session_scope(engine, actor="t") as session:
        return int(background.submit(session, request).job.id)


def _job(engine: Engine, job_id: int) -> background.BackgroundJob:
    with session_scope(engine, actor="t") as session:
        job = session.get(background.BackgroundJob, job_id)
        assert job is not None
        session.expunge(job)
        return job


def _runs(engine: Engine, job_id: int) -> int:
    with session_scope(engine, actor="t") as session:
        query = select(func.count()).where(CheckRun.scope.like(f"job:{job_id} site:%"))
        return int(session.scalar(query) or 0)


def _hits(fleet: FixtureServer) -> int:
    return sum(fleet.routes[h].hits for h in HOSTS)


def test_check_job_in_process_runs_once(engine: Engine, fleet: FixtureServer) -> None:
    job_id = _submit(engine, JobRequest("check_all", "all:1", "admin", "全部", None, {"licences": None}))
    assert jobkinds.run(engine, job_id=job_id, policy=_policy(fleet)) == "done"
    job = _job(engine, job_id)
    assert (job.state, job.done, job.total) == ("done", len(HOSTS), len(HOSTS))
    assert job.links == [{"label": "网站检查", "href": "/checks"}]
    assert _runs(engine, job_id) == len(HOSTS)
    hits = _hits(fleet)
    assert jobkinds.run(engine, job_id=job_id, policy=_policy(fleet)) is None  # delivered again
    assert jobkinds.run(engine, job_id=job_id, policy=_policy(fleet), redelivered=True) is None
    assert _hits(fleet) == hits and _runs(engine, job_id) == len(HOSTS)


def test_check_job_fanned_out_in_batches(engine: Engine, fleet: FixtureServer) -> None:
    job_id = _submit(engine, JobRequest("check_all", "all:2", "admin", "全部", None, {"licences": None}))
    planned: list[Sequence[SiteTarget]] = []

    def fan_out(planned_job: int, batches: Sequence[Sequence[SiteTarget]]) -> None:
        assert planned_job == job_id
        planned.extend(batches)

    state = jobkinds.run(engine, job_id=job_id, policy=_policy(fleet), fan_out=fan_out, batch=2)
    assert state == "running" and [len(b) for b in planned] == [2, 2, 1]
    stored = [
        jobkinds.check_batch(engine, job_id=job_id, targets=b, policy=_policy(fleet), per_transaction=2)
        for b in planned
    ]
    assert stored == [2, 2, 1]
    job = _job(engine, job_id)
    assert (job.state, job.done, job.total) == ("done", len(HOSTS), len(HOSTS))
    hits = _hits(fleet)
    # a batch delivered twice (its worker was killed after storing) neither fetches nor stores again
    assert jobkinds.check_batch(engine, job_id=job_id, targets=planned[0], policy=_policy(fleet)) == 0
    assert _hits(fleet) == hits and _runs(engine, job_id) == len(HOSTS)


def test_a_job_without_sites_fails_and_says_why(engine: Engine) -> None:
    request = JobRequest("check_licence", "lic:1", "officer", "x", 1, {"licences": ["京B2-20990001"]})
    job_id = _submit(engine, request)
    assert jobkinds.run(engine, job_id=job_id) == "failed"
    job = _job(engine, job_id)
    assert job.state == "failed" and job.error is not None and "没有可检查的网站" in job.error


def test_report_job_keeps_its_file_and_runs_once(engine: Engine) -> None:
    args = {"format": "html", "as_of": "2026-11-02"}
    job_id = _submit(engine, JobRequest("report", "report:x", "admin", "报告", None, args))
    assert jobkinds.run(engine, job_id=job_id) == "done"
    job = _job(engine, job_id)
    assert job.output_name == "vats-report-portfolio-2026-11-02.html"
    assert job.output_type == "text/html; charset=utf-8"
    assert job.links == [{"label": f"下载报告 {job.output_name}", "href": f"/jobs/{job_id}/file"}]
    with session_scope(engine, actor="t") as session:
        data = session.scalar(
            select(background.BackgroundJob.output).where(background.BackgroundJob.id == job_id)
        )
    assert data is not None and b"<html" in data
    assert jobkinds.run(engine, job_id=job_id) is None


def _submit_cold(engine: Engine, key: str) -> int:
    args = {"as_of": DAY.isoformat(), "size": 3}
    return _submit(engine, JobRequest("cold_evaluate", key, "admin", "义务缓存分片重算", None, args))


def test_cold_evaluation_runs_in_process(bare_engine: Engine, seed_path: Path) -> None:
    engine = bare_engine
    _portfolio(engine, seed_path)
    job_id = _submit_cold(engine, "cold:1")
    assert jobkinds.run(engine, job_id=job_id) == background.DONE
    job = _job(engine, job_id)
    assert job.done == job.total == 4 and job.links == [{"label": "义务列表", "href": "/obligations"}]
    with session_scope(engine, actor="t") as s:
        assert refresh_obligation_cache(s, as_of=DAY) == 0
    _compare(engine, DAY)
    again = _submit_cold(engine, "cold:2")  # a warm cache: nothing stale, done at once
    assert jobkinds.run(engine, job_id=again) == background.DONE and _job(engine, again).total == 0


def test_queued_slices_count_once_and_the_last_finishes(bare_engine: Engine, seed_path: Path) -> None:
    engine = bare_engine
    _portfolio(engine, seed_path)
    job_id = _submit_cold(engine, "cold:q")
    queued: list[tuple[int, int]] = []

    def slice_out(job: int, slices: Sequence[tuple[int, int]]) -> None:
        assert job == job_id
        queued.extend(slices)

    assert jobkinds.run(engine, job_id=job_id, slice_out=slice_out) == background.RUNNING
    assert len(queued) == 2
    first, last = queued
    assert jobkinds.evaluate_slice(engine, job_id=job_id, after=first[0], until=first[1]) == 3
    assert jobkinds.evaluate_slice(engine, job_id=job_id, after=first[0], until=first[1]) == 0
    halfway = _job(engine, job_id)
    assert (halfway.state, halfway.done, halfway.total) == (background.RUNNING, 3, 4)
    assert jobkinds.evaluate_slice(engine, job_id=job_id, after=last[0], until=last[1]) == 1
    done = _job(engine, job_id)
    assert (done.state, done.done, done.total) == (background.DONE, 4, 4)
    assert jobkinds.evaluate_slice(engine, job_id=job_id, after=last[0], until=last[1]) == 0  # after the end
    _compare(engine, DAY)
