"""The PostgreSQL job queue behind `vats worker`: the jobs, their schedule, and how a worker runs.

On PostgreSQL the scheduled work leaves `vats serve`: any number of `vats worker` processes, on any
machine that reaches the database, share one queue (procrastinate). Each periodic job is declared
once here, and the database lets it be deferred only once per period however many workers run
(procrastinate's periodic defers table). A check round is split into one job per site, so thousands
of sites spread over every worker. On SQLite none of this is imported: `vats serve` runs the same
job functions (`vats.api.jobs`) in-process, as before.

Delivery: procrastinate leaves the jobs of a worker that died in `doing`; the `retry_stalled` job
puts them back in the queue once their worker has stopped beating (at-least-once), and every job is
idempotent, so a second run changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from vats.api import jobs
from vats.api.settings import Settings

if TYPE_CHECKING:
    import procrastinate
    from sqlalchemy.engine import Engine

log = logging.getLogger("vats.queue")

QUEUE_DEFAULT = "default"
QUEUE_CHECKS = "checks"
QUEUES = (QUEUE_DEFAULT, QUEUE_CHECKS)
WORKER_ACTOR = "system:worker"


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The schedule (cron in UTC, as procrastinate reads it) and the worker's crash detection.

    Defaults: checks at 02:00 Beijing, reminders every hour, the audit checkpoint at 00:05 Beijing,
    stalled jobs looked for every minute and retried when their worker is silent for a minute."""

    check_cron: str = "0 18 * * *"
    notify_cron: str = "0 * * * *"
    checkpoint_cron: str = "5 16 * * *"
    stalled_cron: str = "* * * * *"
    stalled_after_s: float = 60.0
    heartbeat_s: float = 10.0
    #: `--resolve` rules for the crawler (one a line), e.g. a staging fleet behind one address
    resolve_file: str | None = None
    allow_private: bool = False

    @classmethod
    def from_env(cls) -> QueueSettings:
        env = os.environ.get
        d = cls()
        return cls(
            check_cron=env("VATS_CHECK_CRON", d.check_cron),
            notify_cron=env("VATS_NOTIFY_CRON", d.notify_cron),
            checkpoint_cron=env("VATS_CHECKPOINT_CRON", d.checkpoint_cron),
            stalled_cron=env("VATS_STALLED_CRON", d.stalled_cron),
            stalled_after_s=float(env("VATS_STALLED_AFTER", str(d.stalled_after_s))),
            heartbeat_s=float(env("VATS_HEARTBEAT", str(d.heartbeat_s))),
            resolve_file=env("VATS_CHECK_RESOLVE_FILE") or None,
            allow_private=env("VATS_CHECK_ALLOW_PRIVATE", "0").strip().lower() in {"1", "true", "yes", "on"},
        )


def uses_queue(url: str) -> bool:
    """Jobs go through the queue on PostgreSQL unless `VATS_JOB_QUEUE=0` keeps them in `vats serve`."""
    if not url.startswith("postgresql"):
        return False
    return os.environ.get("VATS_JOB_QUEUE", "1").strip().lower() not in {"0", "false", "no", "off"}


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (procrastinate speaks psycopg)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _policy(settings: QueueSettings) -> Any:
    from vats.checks.net import NetPolicy, parse_resolve

    rules: list[Any] = []
    if settings.resolve_file:
        lines = Path(settings.resolve_file).read_text(encoding="utf-8").splitlines()
        rules = [parse_resolve(line.strip()) for line in lines if line.strip() and not line.startswith("#")]
    policy = NetPolicy(allow_private=settings.allow_private, resolve=tuple(rules))
    policy.check_rules()
    return policy


def period_of(timestamp: int) -> str:
    """The period a scheduled round belongs to (UTC minute): the key its site results are stored under."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%MZ")


def build_app(
    url: str,
    engine: Engine,
    *,
    queue: QueueSettings | None = None,
    web: Settings | None = None,
    actor: str = WORKER_ACTOR,
) -> procrastinate.App:
    """The procrastinate app with vats's jobs bound to `engine` (one per worker or web process);
    `actor` is the audit log's name for what the jobs write (`system:worker:<name>`)."""
    import procrastinate
    from procrastinate.exceptions import AlreadyEnqueued

    from vats.checks.results import SiteTarget

    queue = queue or QueueSettings.from_env()
    web = web or Settings.from_env()
    policy = _policy(queue)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))

    @app.task(name="vats.check_site", queue=QUEUE_CHECKS)
    def check_site(
        period: str,
        domain: str,
        licence: str | None,
        listed: list[str],
        name: str | None,
        expires: str | None = None,
    ) -> int | None:
        expiry = date.fromisoformat(expires) if expires else None
        target = SiteTarget(domain, licence, frozenset(listed), name, expiry)
        return jobs.check_one_site(engine, period=period, target=target, actor=actor, policy=policy)

    async def defer_checks(period: str, targets: Sequence[SiteTarget]) -> int:
        deferred = 0
        for t in targets:
            try:
                await check_site.configure(
                    lock=f"site:{t.domain}", queueing_lock=f"site:{period}:{t.domain}"
                ).defer_async(
                    period=period,
                    domain=t.domain,
                    licence=t.licence,
                    listed=cast(Any, sorted(t.listed_domains)),
                    name=t.name,
                    expires=t.expires.isoformat() if t.expires else None,
                )
                deferred += 1
            except AlreadyEnqueued:  # the same round planned twice: its job is already waiting
                continue
        return deferred

    @app.periodic(cron=queue.check_cron, periodic_id="checks", queueing_lock="vats.plan_site_checks")
    @app.task(name="vats.plan_site_checks", queue=QUEUE_DEFAULT)
    async def plan_site_checks(timestamp: int) -> int:
        """One check job per site for this period (the round itself only lists the sites)."""
        if not web.scheduler_checks:
            return 0
        targets = await asyncio.to_thread(_site_targets, engine)
        deferred = await defer_checks(period_of(timestamp), targets)
        log.info("site checks planned", extra={"fields": {"sites": len(targets), "deferred": deferred}})
        return deferred

    @app.periodic(cron=queue.notify_cron, periodic_id="notify", queueing_lock="vats.notify")
    @app.task(name="vats.notify", queue=QUEUE_DEFAULT)
    def notify(timestamp: int) -> None:
        """Notices and owners' staged reminders: each is sent once per state change or stage."""
        jobs.dispatch_notifications(engine, config_path=web.notify_config)
        jobs.send_reminders(engine)

    @app.periodic(cron=queue.checkpoint_cron, periodic_id="checkpoint", queueing_lock="vats.checkpoint")
    @app.task(name="vats.checkpoint", queue=QUEUE_DEFAULT)
    def checkpoint(timestamp: int) -> str | None:
        """The day's signed audit checkpoint (the file of the day makes a second run a no-op)."""
        return jobs.emit_checkpoint(engine, directory=web.checkpoint_dir, webhook=web.checkpoint_webhook)

    @app.periodic(cron=queue.stalled_cron, periodic_id="stalled", queueing_lock="vats.retry_stalled")
    @app.task(name="vats.retry_stalled", queue=QUEUE_DEFAULT, pass_context=True)
    async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> int:
        """Put back the jobs of workers that stopped beating (killed, machine lost): at-least-once."""
        manager = context.app.job_manager
        stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=queue.stalled_after_s))
        for job in stalled:
            await manager.retry_job(job)
        if stalled:
            log.warning("stalled jobs retried", extra={"fields": {"jobs": [j.id for j in stalled]}})
        return len(stalled)

    return app


def _site_targets(engine: Engine) -> list[Any]:
    from vats.store.checks import site_targets
    from vats.store.db import session_scope

    with session_scope(engine, actor=WORKER_ACTOR) as session:
        return site_targets(session)


def run_worker(url: str, *, queues: Sequence[str] | None, concurrency: int, name: str | None = None) -> None:
    """Run one worker until SIGINT/SIGTERM (in-flight jobs finish first)."""
    from vats.store.all_models import load_all
    from vats.store.db import make_engine

    load_all()
    queue = QueueSettings.from_env()
    engine = make_engine(url, pool_size=max(5, concurrency + 2))
    actor = f"{WORKER_ACTOR}:{name}" if name else WORKER_ACTOR
    app = build_app(url, engine, queue=queue, actor=actor)
    try:
        app.run_worker(
            queues=list(queues) if queues else None,
            concurrency=concurrency,
            name=name,
            update_heartbeat_interval=queue.heartbeat_s,
            stalled_worker_timeout=queue.stalled_after_s,
            delete_jobs="never",
        )
    finally:
        engine.dispose()
