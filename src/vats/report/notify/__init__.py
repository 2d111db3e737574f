"""Reminders and alerts: tell the configured channels when an obligation becomes due-soon or
overdue, or a site check fails — once per state change.

`dispatch(session, *, as_of)` is the service the scheduler (and `vats serve`) calls; the web layer
never sends anything itself. De-duplication is the unique (subject, status) key of
`notification_log`: a state is announced once, a later state (due_soon → overdue) once more, and a
failed delivery is retried on the next run for the channels that missed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from vats.model.clock import now_utc
from vats.model.obligations import ObligationStatus
from vats.report.notify.channels import Channel, Message
from vats.report.notify.config import NotifyConfig, load_config

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["DispatchReport", "Notice", "collect", "deliver", "dispatch", "load_config"]

ALERT_STATUSES = (ObligationStatus.DUE_SOON, ObligationStatus.OVERDUE)
MAX_LINES = 50  # one message per run, capped: a first run over a big portfolio is not a storm


@dataclass(frozen=True, slots=True)
class Notice:
    """One state worth announcing: `key` + `status` is its identity in `notification_log`."""

    key: str
    status: str
    line: str  # one Markdown line describing it


@dataclass(slots=True)
class DispatchReport:
    sent: list[Notice] = field(default_factory=list)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def collect(session: Session, *, as_of: date) -> list[Notice]:
    """Due-soon/overdue obligations of every stored licence, failing site checks, expiring copies,
    open regulator-list findings."""
    from vats.store.evaluate import evaluate_stored

    evaluated = [e for chunk in evaluate_stored(session, as_of=as_of) for e in chunk]
    unverified = {e.stored.number for e in evaluated if e.stored.licence.from_sheet}
    notices = []
    for ob in (o for e in evaluated for o in e.obligations):
        if ob.status not in ALERT_STATUSES:
            continue
        label = "已逾期 overdue" if ob.status is ObligationStatus.OVERDUE else "即将到期 due soon"
        due = ob.due_date.isoformat() if ob.due_date else "—"
        subject = f" ({ob.subject})" if ob.subject else ""
        if ob.licence in unverified:
            subject += " [数据未经核实，来自表格 / unverified: from a spreadsheet]"
        notices.append(
            Notice(
                key=ob.key,
                status=ob.status.value,
                line=f"- **{label}** {ob.licence} {ob.title_zh} / {ob.title_en}{subject} — {due}",
            )
        )
    notices.extend(_failing_checks(session))
    from vats.report.notify.copies import expiring_copies

    notices.extend(Notice(key, status, line) for key, status, line in expiring_copies(session, as_of=as_of))
    from vats.report.notify.lists import list_notices

    notices.extend(Notice(key, status, line) for key, status, line in list_notices(session))
    return notices


def _failing_checks(session: Session) -> list[Notice]:
    from vats.report.notify.sites import latest_failures

    seen: dict[str, Notice] = {}
    for f in latest_failures(session):
        seen.setdefault(
            f.domain,
            Notice(
                key=f"check:{f.domain}",
                status="failed",
                line=f"- **检查失败 check failed** {f.domain} ({f.licence or '—'}): "
                f"{f.message_zh} / {f.message_en}",
            ),
        )
    return list(seen.values())


def deliver(
    session: Session, notices: list[Notice], channels: tuple[Channel, ...], *, now: datetime | None = None
) -> DispatchReport:
    """Send the notices not yet announced (or not yet delivered everywhere) as one message per channel."""
    from vats.store.web import NotificationLog

    now = now or now_utc()
    report = DispatchReport()
    if not channels or not notices:
        report.skipped = len(notices)
        return report
    keys = {n.key for n in notices}
    existing = {
        (row.subject_key, row.status): row
        for row in session.scalars(select(NotificationLog).where(NotificationLog.subject_key.in_(keys)))
    }
    pending: list[tuple[Notice, Any, set[str]]] = []
    for notice in notices:
        row = existing.get((notice.key, notice.status))
        done = set(filter(None, row.channels.split(","))) if row is not None else set()
        if row is not None and row.error is None:
            report.skipped += 1
            continue
        if row is None:
            row = NotificationLog(subject_key=notice.key, status=notice.status, sent_at=now, channels="")
            session.add(row)
        pending.append((notice, row, done))
    if not pending:
        return report
    for channel in channels:
        todo = [n for n, _row, done in pending if channel.name not in done]
        if not todo:
            continue
        try:
            channel.send(_message(todo))
        except Exception as exc:  # one broken channel must not stop the others
            report.errors.append(f"{channel.name}: {exc}")
            for notice, row, _done in pending:
                if notice in todo:
                    row.error = f"{channel.name}: {exc}"[:2000]
            continue
        for notice, row, done in pending:
            if notice in todo:
                done.add(channel.name)
                row.channels = ",".join(sorted(done))
    for notice, row, done in pending:
        if all(c.name in done for c in channels):
            row.error = None
            row.sent_at = now
            report.sent.append(notice)
    session.flush()
    return report


def _message(notices: list[Notice]) -> Message:
    lines = [n.line for n in notices[:MAX_LINES]]
    if len(notices) > MAX_LINES:
        lines.append(f"- …另有 {len(notices) - MAX_LINES} 项 / and {len(notices) - MAX_LINES} more")
    title = f"vats 合规提醒 / compliance alert ({len(notices)})"
    return Message(title=title, markdown="\n".join(lines))


def dispatch(session: Session, *, as_of: date, config: NotifyConfig | None = None) -> DispatchReport:
    """Collect what changed and send it to the configured channels (idempotent per state)."""
    config = config or NotifyConfig()
    return deliver(session, collect(session, as_of=as_of), config.channels)
