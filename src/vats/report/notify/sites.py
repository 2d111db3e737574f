"""Which sites fail their homepage check right now: the latest run of each domain decides.

Shared by the notifier (alerts) and the dashboard/API (counts and lists), so "failing" means the
same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

FAILED_OUTCOMES = ("fail", "error")


@dataclass(frozen=True, slots=True)
class SiteFailure:
    domain: str
    licence: str | None
    code: str
    message_zh: str
    message_en: str
    checked_at: datetime
    result_id: int


def latest_failures(session: Session, *, licences: set[str] | None = None) -> list[SiteFailure]:
    """Failed results of each domain's most recent check run (optionally only these licences)."""
    from vats.store.checks import CheckResultRow as R

    latest = select(R.domain, func.max(R.run_id).label("run_id")).group_by(R.domain).subquery()
    query = (
        select(R)
        .join(latest, and_(R.domain == latest.c.domain, R.run_id == latest.c.run_id))
        .where(R.outcome.in_(FAILED_OUTCOMES))
        .order_by(R.domain, R.id)
    )
    out = []
    for row in session.scalars(query):
        if licences is not None and row.licence not in licences:
            continue
        out.append(
            SiteFailure(
                domain=row.domain,
                licence=row.licence,
                code=row.code,
                message_zh=row.message_zh,
                message_en=row.message_en,
                checked_at=row.checked_at,
                result_id=row.id,
            )
        )
    return out
