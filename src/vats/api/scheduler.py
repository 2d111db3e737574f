"""A small in-process asyncio scheduler: reminders, site checks and the daily audit checkpoint.

Deliberately simple (one process, fixed interval): `vats serve --no-scheduler` (or VATS_SCHEDULER=0)
turns it off where an external cron runs `vats sites check` / notifications instead. Jobs run in a
worker thread so the event loop keeps serving requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine

from vats.api import jobs
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
        """Site checks first (so a fresh failure is notified in the same round), then reminders."""
        plan: list[tuple[str, Callable[[], object]]] = []
        if self.settings.scheduler_checks:
            plan.append(("site checks", lambda: jobs.run_site_checks(self.engine, actor="system:scheduler")))
        config = self.settings.notify_config
        plan.append(("notifications", lambda: jobs.dispatch_notifications(self.engine, config_path=config)))
        if self.settings.checkpoint_dir:
            plan.append(
                (
                    "audit checkpoint",
                    lambda: jobs.emit_checkpoint(
                        self.engine,
                        directory=self.settings.checkpoint_dir,
                        webhook=self.settings.checkpoint_webhook,
                    ),
                )
            )
        plan.append(("dossiers", lambda: jobs.open_due_dossiers(self.engine)))
        plan.append(("reminders", lambda: jobs.send_reminders(self.engine)))
        for name, job in plan:
            try:
                await asyncio.to_thread(job)
            except Exception:  # a failing job must not kill the scheduler; it is logged and retried
                log.exception("scheduled job failed: %s", name)

    async def _loop(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.settings.scheduler_interval_s)
