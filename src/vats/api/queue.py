"""The PostgreSQL job queue behind `vats worker`: the jobs, their schedule, and how a worker runs.

On PostgreSQL the scheduled work leaves `vats serve`: any number of `vats worker` processes, on any
machine that reaches the database, share one queue (procrastinate). The periodic schedule is
declared once (`vats.api.schedule`), and the database lets each entry be deferred only once per
period however many workers run (procrastinate's periodic defers table). Work people ask for from
the web is a recorded job (`vats.store.background`) queued as `vats.run_job`; a check job or round
goes out in batches of sites (`vats.check_batch`), so thousands of sites spread over every worker
while each batch shares one crawl. On SQLite none of this is imported: `vats serve` runs the same
job kinds (`vats.api.jobkinds`) in-process.

Delivery: procrastinate leaves the jobs of a worker that died in `doing`; the `retry_stalled` job
puts them back in the queue once their worker has stopped beating (at-least-once), and every job is
idempotent, so a second run changes nothing.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vats.api import jobkinds, jobs, schedule
from vats.api.settings import Settings

if TYPE_CHECKING:
    import procrastinate
    from sqlalchemy.engine import Engine

log = logging.getLogger("vats.queue")

QUEUE_DEFAULT = "default"
QUEUE_CHECKS = "checks"
QUEUES = (QUEUE_DEFAULT, QUEUE_CHECKS)
WORKER_ACTOR = "system:worker"
CHECK_BATCH = "vats.check_batch"
RUN_JOB = "vats.run_job"  #: a recorded job (`vats.store.background`), queued by `vats.api.jobsubmit`
EVALUATE_SLICE = "vats.evaluate_slice"  #: one slice of licences of a cold evaluation
#: how often a worker's threads hand the interpreter lock over (Python's default is 5 ms). A batch
#: commits its results holding the audit chain's lock, which every worker's commits queue on; between
#: its statements the committing thread waits for the interpreter lock while the other threads crawl
#: and parse, so a shorter interval shortens the time the chain's lock is held (BENCHMARKS.md).
SWITCH_INTERVAL_S = 0.0005


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
    #: sites per queued check job (one crawl per batch; each site's result still stored on its own)
    check_batch: int = 20
    #: sites whose results commit together: a batch's results in one transaction take the audit
    #: chain's lock once (1: each result on its own, a kill loses only the site in flight)
    check_commit: int = 20
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
            check_batch=max(1, int(env("VATS_CHECK_BATCH", str(d.check_batch)))),
            check_commit=max(1, int(env("VATS_CHECK_COMMIT", str(d.check_commit)))),
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


period_of = schedule.period_of


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
        """One site of a round (jobs queued before rounds were batched still run)."""
        expiry = date.fromisoformat(expires) if expires else None
        target = SiteTarget(domain, licence, frozenset(listed), name, expiry)
        return jobs.check_one_site(engine, period=period, target=target, actor=actor, policy=policy)

    def _site(t: SiteTarget) -> list[Any]:
        expires = t.expires.isoformat() if t.expires else None
        return [t.domain, t.licence, sorted(t.listed_domains), t.name, expires]

    def _target(site: list[Any]) -> SiteTarget:
        domain, licence, listed, name, *rest = site
        expires = date.fromisoformat(rest[0]) if rest and rest[0] else None
        return SiteTarget(domain, licence, frozenset(listed), name, expires)

    @app.task(name=CHECK_BATCH, queue=QUEUE_CHECKS)
    def check_batch(job_id: int, sites: list[list[Any]]) -> int:
        """A batch of one job's sites, crawled together; each site's result stored on its own.

        A site is [domain, licence, listed, name, expires?]: batches queued before the licence's
        expiry was carried have four fields and still run."""
        targets = [_target(site) for site in sites]
        return jobkinds.check_batch(
            engine,
            job_id=job_id,
            targets=targets,
            policy=policy,
            worker=actor,
            per_transaction=queue.check_commit,
        )

    def fan_out(job_id: int, batches: Sequence[Sequence[SiteTarget]]) -> None:
        """Queue a job's batches in one transaction (all of them or none)."""
        from vats.store.db import session_scope
        from vats.store.jobqueue import defer_many

        jobs = [
            (
                {"job_id": job_id, "sites": [_site(t) for t in batch]},
                f"batch:{job_id}:{i}",
                None,
            )
            for i, batch in enumerate(batches)
        ]
        with session_scope(engine, actor=actor) as session:
            defer_many(session, task=CHECK_BATCH, queue=QUEUE_CHECKS, jobs=jobs)

    @app.task(name=EVALUATE_SLICE, queue=QUEUE_DEFAULT)
    def evaluate_slice(job_id: int, after: int, until: int) -> int:
        """The stale licences with `after < id <= until` of a cold evaluation."""
        return jobkinds.evaluate_slice(engine, job_id=job_id, after=after, until=until)

    def slice_out(job_id: int, slices: Sequence[tuple[int, int]]) -> None:
        """Queue a cold evaluation's slices in one transaction (all of them or none)."""
        from vats.store.db import session_scope
        from vats.store.jobqueue import defer_many

        jobs = [
            ({"job_id": job_id, "after": after, "until": until}, f"slice:{job_id}:{after}-{until}", None)
            for after, until in slices
        ]
        with session_scope(engine, actor=actor) as session:
            defer_many(session, task=EVALUATE_SLICE, queue=QUEUE_DEFAULT, jobs=jobs)

    def run_recorded(job_id: int, *, redelivered: bool) -> str | None:
        return jobkinds.run(
            engine,
            job_id=job_id,
            policy=policy,
            fan_out=fan_out,
            slice_out=slice_out,
            redelivered=redelivered,
            settings=web,
            batch=queue.check_batch,
        )

    @app.task(name=RUN_JOB, queue=QUEUE_DEFAULT, pass_context=True)
    def run_job(context: procrastinate.JobContext, job_id: int) -> str | None:
        """A recorded job (`vats.store.background`); a redelivery takes over a job left running."""
        redelivered = bool(context.job and context.job.attempts)
        return run_recorded(job_id, redelivered=redelivered)

    def periodic(entry: schedule.Periodic) -> None:
        @app.periodic(
            cron=getattr(queue, entry.cron), periodic_id=entry.periodic_id, queueing_lock=entry.task
        )
        @app.task(name=entry.task, queue=QUEUE_DEFAULT)
        def task(timestamp: int) -> str | None:
            """The period's recorded job, run here (site checks go out in batches to every worker)."""
            if entry.kind == "check_round" and not web.scheduler_checks:
                return None
            if entry.kind == "checkpoint" and not web.checkpoint_dir:
                return None
            job_id = schedule.periodic_job(engine, kind=entry.kind, period=schedule.period_of(timestamp))
            return run_recorded(job_id, redelivered=True)

    for entry in schedule.SCHEDULE:
        periodic(entry)

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


def run_worker(url: str, *, queues: Sequence[str] | None, concurrency: int, name: str | None = None) -> None:
    """Run one worker until SIGINT/SIGTERM (in-flight jobs finish first)."""
    from vats.store.all_models import load_all
    from vats.store.db import make_engine

    load_all()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
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
