"""What the web shows of the PostgreSQL job queue: jobs by state, and retrying a failed one.

Read straight from the queue's own tables (revision 0016_jobs) so a web process needs no queue
client. On SQLite there is no queue (jobs run inside `vats serve`): the list is empty and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from vats.model.errors import InputError, NotFoundError

#: procrastinate's states and how vats names them (queued / running / done / failed / cancelled)
STATES = {
    "todo": "queued",
    "doing": "running",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "aborted": "cancelled",
}
STATE_LABELS = {
    "queued": "排队中",
    "running": "运行中",
    "done": "已完成",
    "failed": "失败",
    "cancelled": "已取消",
}


#: jobs queued per statement (three parameters each, far below PostgreSQL's limit of 65,535)
DEFER_STATEMENT = 1000


@dataclass(frozen=True, slots=True)
class JobRow:
    id: int
    task: str
    queue: str
    state: str
    attempts: int
    args: dict[str, Any]
    scheduled_at: datetime | None


def has_queue(session: Session) -> bool:
    """True on a PostgreSQL database that carries the queue's tables."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.execute(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar())


def list_jobs(session: Session, *, state: str | None = None, limit: int = 100) -> list[JobRow]:
    """Newest first; `state` is one of vats's names (queued, running, done, failed, cancelled)."""
    if state is not None and state not in STATE_LABELS:
        raise InputError(f"unknown job state {state!r}", field="state")
    if not has_queue(session):
        return []
    statuses = [k for k, v in STATES.items() if v == state] if state else list(STATES)
    rows = session.execute(
        text(
            "SELECT id, task_name, queue_name, status::text AS status, attempts, args, scheduled_at "
            "FROM procrastinate_jobs WHERE status::text = ANY(:statuses) ORDER BY id DESC LIMIT :limit"
        ),
        {"statuses": statuses, "limit": max(1, min(limit, 500))},
    )
    return [
        JobRow(
            id=int(r.id),
            task=r.task_name,
            queue=r.queue_name,
            state=STATES.get(r.status, r.status),
            attempts=int(r.attempts),
            args=dict(r.args or {}),
            scheduled_at=r.scheduled_at,
        )
        for r in rows
    ]


def counts(session: Session) -> dict[str, int]:
    """Jobs per state (every state present, zero when none): the progress of a long round."""
    found = dict.fromkeys(STATE_LABELS, 0)
    if has_queue(session):
        for status, n in session.execute(
            text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")
        ):
            found[STATES.get(status, status)] = found.get(STATES.get(status, status), 0) + int(n)
    return found


def retry_failed(session: Session, *, job_id: int) -> None:
    """Queue a failed job again (the job is idempotent, so a retry never doubles its effect)."""
    row = (
        session.execute(text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"), {"id": job_id})
        if has_queue(session)
        else None
    )
    status = row.scalar() if row is not None else None
    if status is None:
        raise NotFoundError(f"no job {job_id}", field="job_id")
    if status != "failed":
        raise InputError(
            f"job {job_id} is {STATES.get(status, status)}, only a failed job is retried", field="job_id"
        )
    session.execute(text("SELECT procrastinate_retry_job_v2(:id, now(), NULL, NULL, NULL)"), {"id": job_id})


def defer(
    session: Session,
    *,
    task: str,
    queue: str,
    args: dict[str, Any],
    lock: str | None = None,
    queueing_lock: str | None = None,
) -> int:
    """Put one job in the queue inside the caller's transaction (the queue's own defer function):
    the job exists exactly when the caller's record of it commits, and workers are woken on commit."""
    return defer_many(session, task=task, queue=queue, jobs=[(args, lock, queueing_lock)])[0]


def defer_many(
    session: Session,
    *,
    task: str,
    queue: str,
    jobs: Sequence[tuple[dict[str, Any], str | None, str | None]],
) -> list[int]:
    """Queue several jobs of one task (each: args, lock, queueing lock) in one statement, inside the
    caller's transaction: a round's hundred batches cost one round trip, not a hundred, so the
    workers get them sooner."""
    import json

    ids: list[int] = []
    for start in range(0, len(jobs), DEFER_STATEMENT):
        params: dict[str, Any] = {"queue": queue, "task": task}
        rows = []
        for i, (args, lock, queueing_lock) in enumerate(jobs[start : start + DEFER_STATEMENT]):
            params.update({f"lock{i}": lock, f"qlock{i}": queueing_lock, f"args{i}": json.dumps(args)})
            rows.append(
                f"ROW(:queue, :task, 0, :lock{i}, :qlock{i}, CAST(:args{i} AS jsonb), NULL)"
                "::procrastinate_job_to_defer_v1"
            )
        statement = text(f"SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[{', '.join(rows)}]))")
        ids.extend(int(i) for i in session.execute(statement, params).scalars())
    return ids
