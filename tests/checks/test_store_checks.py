"""Stored evidence on SQLite and PostgreSQL: day boundaries in Beijing time, events, insert-only rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine

from vats.checks.results import CheckEvidence, CheckKind, CheckResult, Outcome, SiteReport, SiteTarget
from vats.model.clock import as_utc
from vats.store.checks import history, record_run
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.events import list_events

LICENCE = "渝B2-20210467"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def report(domain: str, at: datetime, outcome: Outcome) -> SiteReport:
    evidence = CheckEvidence(f"http://{domain}/", f"http://{domain}/", 200, 12.5, at, "ab" * 32, 100)
    result = CheckResult(
        domain, CheckKind.LICENCE_NUMBER, outcome, "displayed", "显示", "shown", evidence, LICENCE
    )
    return SiteReport(SiteTarget(domain, LICENCE, frozenset({domain})), (result,))


def test_history_day_is_a_beijing_calendar_day(engine: Engine) -> None:
    late_utc = datetime(2026, 3, 2, 15, 59, tzinfo=UTC)  # 23:59 on 2 March in Beijing
    next_day = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 00:30 on 3 March in Beijing
    with session_scope(engine, actor="test") as session:
        reports = [report("a.com", late_utc, Outcome.PASS)]
        record_run(session, reports=reports, scope="t", options={}, started_at=late_utc)
        reports = [report("a.com", next_day, Outcome.FAIL)]
        record_run(session, reports=reports, scope="t", options={}, started_at=next_day)
    with session_scope(engine, actor="test") as session:
        on_3 = history(session, domain="A.com", on=date(2026, 3, 3))
        on_2 = history(session, domain="a.com", on=date(2026, 3, 2))
        every = history(session, domain="a.com")
        events = list_events(session, licence=LICENCE)
    assert [as_utc(r.checked_at) for r in on_3] == [next_day]
    assert [as_utc(r.checked_at) for r in on_2] == [late_utc]
    assert [r.outcome for r in every] == ["fail", "pass"]  # newest first
    assert sorted((e.type, e.date.isoformat()) for e in events) == [
        ("site_check_failed", "2026-03-03"),
        ("site_check_passed", "2026-03-02"),
    ]
    assert all(e.fields["domain"] == "a.com" and "sm3:" in e.fields["evidence"] for e in events)


def test_scheduled_run_checks_inventory_only_sites_like_the_cli(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One target selection (store.checks.site_targets) for the CLI, the API and the scheduler: a
    declared website no licence lists is visited by the scheduled run too."""
    from vats.api import jobs
    from vats.checks import homepage
    from vats.checks.inventory import InventoryItem
    from vats.model.licence import SiteKind
    from vats.store.checks import import_inventory, site_targets

    with session_scope(engine, actor="tester") as s:
        item = InventoryItem(SiteKind.WEBSITE, "经销商平台", domain="Dealers.Example.CN", licence=LICENCE)
        import_inventory(s, items=[item])
    with session_scope(engine, actor="tester") as s:
        selected = site_targets(s)
        assert [(t.domain, t.licence) for t in selected] == [("dealers.example.cn", LICENCE)]
        assert site_targets(s, numbers=[LICENCE]) == []
    visited: list[list[SiteTarget]] = []

    def crawl(targets: list[SiteTarget], **_: object) -> list[SiteReport]:
        visited.append(list(targets))
        return []

    monkeypatch.setattr(homepage, "run_checks", crawl)
    assert jobs.run_site_checks(engine, actor="system:scheduler") is not None
    assert visited == [selected]
