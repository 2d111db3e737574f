"""The periodic schedule, declared once: a period's job is recorded once and runs once, and the
in-process scheduler (SQLite) records its rounds like a worker does."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from vats.api import jobkinds, schedule
from vats.api.scheduler import Scheduler
from vats.api.settings import Settings
from vats.store import background
from vats.store.db import make_engine, session_scope


def test_a_period_runs_once(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    first = schedule.periodic_job(engine, kind="reminders", period="2026-12-03T18:00Z")
    again = schedule.periodic_job(engine, kind="reminders", period="2026-12-03T18:00Z")
    later = schedule.periodic_job(engine, kind="reminders", period="2026-12-03T19:00Z")
    assert first == again != later
    assert jobkinds.run(engine, job_id=first) == "done"
    assert jobkinds.run(engine, job_id=first, redelivered=True) is None  # planned twice, run once
    engine.dispose()


def test_schedule_entries_name_real_settings_and_kinds() -> None:
    from vats.api.queue import QueueSettings

    assert {e.periodic_id for e in schedule.SCHEDULE} == {"checks", "notify", "checkpoint"}
    for entry in schedule.SCHEDULE:
        assert isinstance(getattr(QueueSettings(), entry.cron), str)
        assert entry.kind in background.KIND_LABELS


def test_in_process_scheduler_records_its_rounds(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    settings = Settings(scheduler_checks=False, checkpoint_dir=None)
    asyncio.run(Scheduler(engine, settings).run_once())
    with session_scope(engine, actor="t") as session:
        jobs = [(j.kind, j.state) for j in session.scalars(select(background.BackgroundJob))]
    assert jobs == [("reminders", "done")]  # checks and the checkpoint are off here
    engine.dispose()
