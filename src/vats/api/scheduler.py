"""A small in-process asyncio scheduler (SQLite): site checks, reminders and the daily audit checkpoint.

Deliberately simple (one process, fixed interval): `vats serve --no-scheduler` (or VATS_SCHEDULER=0)
turns it off where an external cron runs `vats sites check` / notifications instead. Jobs run in a
worker thread so the event loop keeps serving requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.engine import Engine

from vats.api.settings import Settings

log = logging.getLogger("vats.scheduler")


class Scheduler:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="vats-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run_once(self) -> None:
        """The declared schedule (`vats.api.schedule`) in order: site checks first (so a fresh failure
        is notified in the same round), then reminders and the day's checkpoint. Each round is a
        recorded job, shown on the jobs page like a worker's."""
        from vats.api import jobkinds, schedule
        from vats.model.clock import now_utc

        period = schedule.period_of(int(now_utc().timestamp()))
        for entry in schedule.SCHEDULE:
            if entry.kind == "check_round" and not self.settings.scheduler_checks:
                continue
            if entry.kind == "checkpoint" and not self.settings.checkpoint_dir:
                continue
            try:
                job_id = await asyncio.to_thread(
                    schedule.periodic_job, self.engine, kind=entry.kind, period=period
                )
                await asyncio.to_thread(jobkinds.run, self.engine, job_id=job_id, settings=self.settings)
            except Exception:  # a failing job must not kill the scheduler; it is logged and retried
                log.exception("scheduled job failed: %s", entry.kind)

    async def _loop(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.settings.scheduler_interval_s)
