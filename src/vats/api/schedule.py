"""The periodic schedule, declared once: what runs on its own, and the recorded job each period gets.

`vats worker` registers every entry as a procrastinate periodic task (deferred once per period
cluster-wide, however many workers and web processes run); on SQLite `vats serve`'s in-process
scheduler runs the same entries on its interval. Either way a period's work is one recorded job
whose key is the kind and the period, so a period that is planned twice still runs once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from vats.store import background

ACTOR = "system:schedule"


@dataclass(frozen=True, slots=True)
class Periodic:
    periodic_id: str
    task: str  #: the queue's task name
    kind: str  #: the recorded job's kind (`vats.store.background.KIND_LABELS`)
    cron: str  #: the `vats.api.queue.QueueSettings` field holding its cron line


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("checks", "vats.plan_site_checks", "check_round", "check_cron"),
    Periodic("notify", "vats.notify", "reminders", "notify_cron"),
    Periodic("checkpoint", "vats.checkpoint", "checkpoint", "checkpoint_cron"),
)


def period_of(timestamp: int) -> str:
    """The period a scheduled run belongs to (UTC minute): the key its results are stored under."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%MZ")


def periodic_job(engine: Engine, *, kind: str, period: str) -> int:
    """The recorded job of `kind` for `period`, created once (administrators see it)."""
    from vats.store.db import session_scope

    label = f"{background.KIND_LABELS[kind]} {period}"
    with session_scope(engine, actor=ACTOR) as session:
        request = background.JobRequest(kind, f"{kind}:{period}", ACTOR, label, None, {"period": period})
        found = background.submit(session, request)
        return int(found.job.id)


def round_job(engine: Engine, *, period: str) -> int:
    """The scheduled check round of `period`."""
    return periodic_job(engine, kind="check_round", period=period)
