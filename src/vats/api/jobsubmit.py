"""Starting recorded background jobs where they run: the PostgreSQL queue, or this process.

With workers (PostgreSQL, `vats.api.queue.uses_queue`) the queue entry is written in the same
transaction as the job's record, so a job is queued exactly when its record commits; on SQLite the
job runs in a thread of this server once the record has committed. Callers (web forms, the API, the
in-process scheduler) never choose: they call `submit` or `retry`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vats.store import background

log = logging.getLogger("vats.jobs")


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def queued(session: Session) -> bool:
    """True when workers run this database's jobs (PostgreSQL with the queue's tables)."""
    from vats.api.queue import uses_queue
    from vats.store.jobqueue import has_queue

    return uses_queue(str(_engine(session).url)) and has_queue(session)


def run_in_thread(engine: Engine, job_id: int) -> threading.Thread:
    """Run a job in a daemon thread of this process (SQLite: no workers)."""
    from vats.api import jobkinds

    def work() -> None:
        try:
            jobkinds.run(engine, job_id=job_id)
        except Exception:  # already recorded on the job where it could be; never kills the server
            log.exception("in-process job %s failed", job_id)

    thread = threading.Thread(target=work, name=f"vats-job-{job_id}", daemon=True)
    thread.start()
    return thread


def start(session: Session, *, job_id: int) -> None:
    """Queue the job in the caller's transaction, or run it here once that transaction commits."""
    if queued(session):
        from vats.api.queue import QUEUE_DEFAULT, RUN_JOB
        from vats.store.jobqueue import defer

        defer(session, task=RUN_JOB, queue=QUEUE_DEFAULT, args={"job_id": job_id}, lock=f"job:{job_id}")
        return
    engine = _engine(session)
    event.listen(session, "after_commit", lambda _s: run_in_thread(engine, job_id), once=True)


def submit(session: Session, request: background.JobRequest) -> background.BackgroundJob:
    """Record the job and start it; the same work asked again returns the existing job unstarted."""
    found = background.submit(session, request)
    if found.created:
        start(session, job_id=found.job.id)
    return found.job


def retry(session: Session, *, job_id: int, principal: Any) -> background.BackgroundJob:
    """Queue a failed job again (scoped to `principal`'s organisations like every read)."""
    job = background.requeue(session, job_id=job_id, principal=principal)
    start(session, job_id=job.id)
    return job
