"""vats's own record of background work: what was asked, for which organisation, how far it got,
and what it produced.

One row per piece of work a person or the schedule asked for (check one site, one licence or an
organisation; write a compliance report; generate workpacks; a scheduled check round; reminders; the
day's audit checkpoint; read an uploaded scan by OCR). The row is the same on SQLite, where
`vats serve` runs the work in-process, and on PostgreSQL, where `vats worker` processes take it
from the queue, so the jobs page reads one table either way and scopes it by organisation like
every other record.

`key` makes submitting idempotent: asking again for work whose key is queued, running or done
returns the existing row instead of a second one; only a failed row is run again (by retry).
Rows are operational state, not compliance records, so they are not in the audit log (progress
updates would otherwise serialise on the audit chain's lock).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from vats.model.clock import now_utc
from vats.model.errors import InputError, NotFoundError
from vats.store.base import Base

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队中", RUNNING: "运行中", DONE: "已完成", FAILED: "失败"}

KIND_LABELS = {
    "check_site": "检查网站",
    "check_licence": "检查许可证网站",
    "check_all": "检查全部网站",
    "check_round": "定时网站检查",
    "report": "合规报告",
    "workpacks": "年报工作包",
    "reminders": "提醒与通知",
    "checkpoint": "审计检查点",
    "list_match": "监管名单比对",
    "cold_evaluate": "义务缓存分片重算",
    "scan_read": "扫描件识别",
}
#: kinds that crawl sites (their progress counts stored site results)
CHECK_KINDS = frozenset({"check_site", "check_licence", "check_all", "check_round"})
MAX_ERROR = 2000


class BackgroundJob(Base):
    """One piece of background work, how far it got and what it produced."""

    __tablename__ = "background_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(300))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: what the job produced, as [{"label": ..., "href": ...}] (a result page, a licence, a file)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    #: a produced file kept with the job, so any web process serves it whichever worker wrote it
    output_name: Mapped[str | None] = mapped_column(String(200))
    output_type: Mapped[str | None] = mapped_column(String(100))
    output: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: an uploaded file the job works on (a regulator list), kept so any worker can read it
    input_name: Mapped[str | None] = mapped_column(String(200))
    input: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class JobRequest:
    """What to run: `key` names the work (the same key asked twice is one job)."""

    kind: str
    key: str
    actor: str
    label: str
    organisation_id: int | None
    args: dict[str, Any] = field(default_factory=dict)
    upload: tuple[str, bytes] | None = None  #: file name and bytes the job reads


@dataclass(frozen=True, slots=True)
class Submitted:
    job: BackgroundJob
    created: bool  # False: the same work was already queued, running or done


def submit(session: Session, request: JobRequest) -> Submitted:
    """The job for `request.key`, created queued unless it exists (then returned as it is)."""
    if request.kind not in KIND_LABELS:
        raise InputError(f"unknown job kind {request.kind!r}", field="kind")
    existing = session.scalar(select(BackgroundJob).where(BackgroundJob.key == request.key[:300]))
    if existing is not None:
        return Submitted(existing, False)
    job = BackgroundJob(
        key=request.key[:300],
        kind=request.kind,
        organisation_id=request.organisation_id,
        actor=request.actor[:200],
        label=request.label[:300],
        args=dict(request.args),
        state=QUEUED,
        done=0,
        total=0,
        attempts=0,
        links=[],
        created_at=now_utc(),
        input_name=request.upload[0][:200] if request.upload else None,
        input=request.upload[1] if request.upload else None,
    )
    session.add(job)
    session.flush()
    return Submitted(job, True)


def claim(session: Session, *, job_id: int) -> BackgroundJob | None:
    """Mark a queued job running and return it; None when it is running elsewhere or done (a second
    delivery of the same job then changes nothing)."""
    row = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state == QUEUED)
        .values(state=RUNNING, started_at=now_utc(), attempts=BackgroundJob.attempts + 1)
        .returning(BackgroundJob.id)
    ).first()
    return None if row is None else session.get(BackgroundJob, job_id, populate_existing=True)


def reclaim(session: Session, *, job_id: int) -> BackgroundJob | None:
    """Like `claim`, but also takes a job left running (its worker died and the queue redelivered
    it): the work is idempotent, so finishing it again is safe."""
    row = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state.in_((QUEUED, RUNNING)))
        .values(state=RUNNING, started_at=now_utc(), attempts=BackgroundJob.attempts + 1)
        .returning(BackgroundJob.id)
    ).first()
    return None if row is None else session.get(BackgroundJob, job_id, populate_existing=True)


def set_total(session: Session, *, job_id: int, total: int) -> None:
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(total=total))


def set_progress(session: Session, *, job_id: int, done: int, total: int) -> None:
    """Record how far a job that counts its own units (pages of a scan) has got."""
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(done=done, total=total))


def drop_input(session: Session, *, job_id: int) -> None:
    """Forget the uploaded file once the job has kept what it needs of it elsewhere."""
    session.execute(
        update(BackgroundJob).where(BackgroundJob.id == job_id).values(input=None, input_name=None)
    )


def advance(session: Session, *, job_id: int, by: int = 1) -> None:
    """Count finished units (a stored site result) in the caller's transaction, so the count moves
    exactly when the unit's own write commits."""
    session.execute(
        update(BackgroundJob).where(BackgroundJob.id == job_id).values(done=BackgroundJob.done + by)
    )


Link = dict[str, str]


def finish(
    session: Session,
    *,
    job_id: int,
    links: list[Link],
    output: tuple[str, str, bytes] | None = None,
) -> None:
    """Mark the job done with what it produced (`output`: file name, media type, bytes)."""
    values: dict[str, Any] = {"state": DONE, "links": links, "error": None, "finished_at": now_utc()}
    if output is not None:
        values.update(output_name=output[0], output_type=output[1], output=output[2])
    session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(**values))


def finish_if_complete(session: Session, *, job_id: int, links: list[Link]) -> bool:
    """Mark a counted job done once every unit is stored (whichever batch stores the last one)."""
    changed = session.execute(
        update(BackgroundJob)
        .where(
            BackgroundJob.id == job_id,
            BackgroundJob.state == RUNNING,
            BackgroundJob.total > 0,
            BackgroundJob.done >= BackgroundJob.total,
        )
        .values(state=DONE, links=links, finished_at=now_utc())
        .returning(BackgroundJob.id)
    ).first()
    return changed is not None


def fail(session: Session, *, job_id: int, error: str) -> None:
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id)
        .values(state=FAILED, error=error[:MAX_ERROR], finished_at=now_utc())
    )


def visible(job: BackgroundJob, principal: Any) -> bool:
    """Administrators see every job; others the jobs of their organisations, and the jobs without
    one that they asked for themselves (a check over licences of several organisations)."""
    if principal.organisations is None:
        return True
    if job.organisation_id is None:
        return bool(job.actor == principal.name)
    return job.organisation_id in principal.organisations


def _scoped(query: Any, principal: Any) -> Any:
    if principal.organisations is None:
        return query
    return query.where(
        BackgroundJob.organisation_id.in_(sorted(principal.organisations))
        | (BackgroundJob.organisation_id.is_(None) & (BackgroundJob.actor == principal.name))
    )


def list_jobs(
    session: Session, *, principal: Any, state: str | None = None, limit: int = 100
) -> list[BackgroundJob]:
    """Newest first, only what `principal` may see; `state` one of queued/running/done/failed."""
    if state is not None and state not in STATE_LABELS:
        raise InputError(f"unknown job state {state!r}", field="state")
    query = select(BackgroundJob).order_by(BackgroundJob.id.desc()).limit(max(1, min(limit, 500)))
    if state is not None:
        query = query.where(BackgroundJob.state == state)
    return list(session.scalars(_scoped(query, principal)))


def count_by_state(session: Session, *, principal: Any) -> dict[str, int]:
    """Jobs `principal` may see, per state (every state present, zero when none)."""
    found = dict.fromkeys(STATE_LABELS, 0)
    query = select(BackgroundJob.state, func.count()).group_by(BackgroundJob.state)
    for state, n in session.execute(_scoped(query, principal)):
        found[state] = int(n)
    return found


def get_job(session: Session, *, job_id: int, principal: Any) -> BackgroundJob:
    """The job, or NotFoundError when it does not exist or is another organisation's (never 403)."""
    job = session.get(BackgroundJob, job_id)
    if job is None or not visible(job, principal):
        raise NotFoundError("任务不存在 / job not found", field="job_id")
    return job


def requeue(session: Session, *, job_id: int, principal: Any) -> BackgroundJob:
    """Put a failed job back in the queue (its work is idempotent: what it stored before stays once)."""
    job = get_job(session, job_id=job_id, principal=principal)
    if job.state != FAILED:
        raise InputError(
            f"只有失败的任务可以重试（当前：{STATE_LABELS.get(job.state, job.state)}） / "
            f"only a failed job is retried (this one is {job.state})",
            field="job_id",
        )
    job.state, job.error, job.finished_at, job.started_at = QUEUED, None, None, None
    session.flush()
    return job
