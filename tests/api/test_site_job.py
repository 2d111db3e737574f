"""One site's check job: stored once per period, whatever number of times it runs."""

from __future__ import annotations

from sqlalchemy import func, select

from vats.api.jobs import check_one_site, site_check_scope
from vats.checks.fixture_server import FixtureServer, Route
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import SiteTarget
from vats.store.checks import CheckResultRow, CheckRun
from vats.store.db import make_engine, session_scope

PAGE = "<html><body><footer>经营许可证编号：渝B2-20210467</footer></body></html>".encode()


def test_check_job_is_idempotent_per_period(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with FixtureServer({"one.jobs.test": Route(PAGE)}) as fleet:
        policy = NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in fleet.resolve_args()))
        target = SiteTarget("one.jobs.test", "渝B2-20210467", frozenset({"one.jobs.test"}))
        first = check_one_site(engine, period="2026-12-03T18:00Z", target=target, actor="t", policy=policy)
        again = check_one_site(engine, period="2026-12-03T18:00Z", target=target, actor="t", policy=policy)
        later = check_one_site(engine, period="2026-12-04T18:00Z", target=target, actor="t", policy=policy)
        hits = fleet.routes["one.jobs.test"].hits
    with session_scope(engine, actor="t") as session:
        scopes = list(session.scalars(select(CheckRun.scope).order_by(CheckRun.id)))
        results = session.scalar(select(func.count()).select_from(CheckResultRow))
    engine.dispose()
    assert first is not None and again is None and later is not None
    assert hits == 2  # the second run of a period does not fetch the site again
    assert scopes == [
        site_check_scope("2026-12-03T18:00Z", "one.jobs.test"),
        site_check_scope("2026-12-04T18:00Z", "one.jobs.test"),
    ]
    assert results and results >= 2
