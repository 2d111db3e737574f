"""/api/v1/jobs: the background job queue (PostgreSQL): jobs by state, counts, retry a failed one;
and one recorded job's progress (`/jobs/recorded/{id}`, what the jobs page shows).

The queue is for administrators only: its entries span every organisation (a round checks every
site). A recorded job is read by anyone who may see it (its organisation, or who asked for it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from vats.api.deps import Admin, DbSession, Reader, RecordId
from vats.api.types import UtcDateTime
from vats.store import background, jobqueue

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobOut(BaseModel):
    id: int
    task: str
    queue: str
    state: str
    state_zh: str
    attempts: int
    args: dict[str, Any]
    scheduled_at: datetime | None


class RecordedJobOut(BaseModel):
    """A recorded job (`vats.store.background`): what was asked, how far it got, what it produced."""

    id: int
    kind: str
    kind_zh: str
    label: str
    state: str  # queued, running, done, failed
    state_zh: str
    done: int
    total: int  # 0 until the job has counted its units (sites)
    error: str | None
    links: list[dict[str, str]]
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
    href: str  # this resource
    page: str  # the web page following the job


def recorded_out(job: background.BackgroundJob) -> RecordedJobOut:
    return RecordedJobOut(
        id=job.id,
        kind=job.kind,
        kind_zh=background.KIND_LABELS.get(job.kind, job.kind),
        label=job.label,
        state=job.state,
        state_zh=background.STATE_LABELS.get(job.state, job.state),
        done=job.done,
        total=job.total,
        error=job.error,
        links=list(job.links or []),
        created_at=job.created_at,
        finished_at=job.finished_at,
        href=f"/api/v1/jobs/recorded/{job.id}",
        page=f"/jobs/{job.id}",
    )


class JobsOut(BaseModel):
    queue: bool  # False on SQLite: jobs run inside `vats serve`, nothing is queued
    counts: dict[str, int]
    items: list[JobOut]


@router.get("", summary="Background jobs, newest first, with counts per state")
def list_jobs(
    session: DbSession,
    actor: Admin,
    state: Annotated[
        str | None, Query(max_length=20, description="queued, running, done, failed, cancelled")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JobsOut:
    rows = jobqueue.list_jobs(session, state=state, limit=limit)
    return JobsOut(
        queue=jobqueue.has_queue(session),
        counts=jobqueue.counts(session),
        items=[
            JobOut(
                id=r.id,
                task=r.task,
                queue=r.queue,
                state=r.state,
                state_zh=jobqueue.STATE_LABELS.get(r.state, r.state),
                attempts=r.attempts,
                args=r.args,
                scheduled_at=r.scheduled_at,
            )
            for r in rows
        ],
    )


@router.post("/{job_id}/retry", status_code=202, summary="Queue a failed job again")
def retry_job(job_id: RecordId, session: DbSession, actor: Admin) -> dict[str, Any]:
    jobqueue.retry_failed(session, job_id=job_id)
    return {"id": job_id, "state": "queued"}


@router.get("/recorded/{job_id}", summary="One recorded job's state and progress")
def recorded_job(job_id: RecordId, session: DbSession, actor: Reader) -> RecordedJobOut:
    return recorded_out(background.get_job(session, job_id=job_id, principal=actor))
