"""/api/v1/jobs: the background job queue (PostgreSQL): jobs by state, counts, retry a failed one.

Administrators only: jobs span every organisation (a round checks every site)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from vats.api.deps import Admin, DbSession, RecordId
from vats.store import jobqueue

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
