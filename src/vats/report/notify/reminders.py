"""Staged reminders to an obligation's owner: before the due date (default 30, 7 and 1 days), on the
due day, then weekly while it stays overdue — each stage once, through the owner's chosen channel.

Nothing goes out on a rest day of the official calendar: a "30 days before" day that is a rest day
moves back to the previous working day (so the warning is never late), and a due day or weekly
overdue day that is a rest day is sent on the next working day. When a run finds several stages
already passed (a first run, or a server that was down), only the latest is sent: no storms.

Each (obligation, stage) is claimed by inserting its `reminders_sent` row and committing before
anything is sent; the unique key decides which process sends, so a restart or a second server
process finds the row and sends nothing again. A failed delivery is recorded on the row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vats.model.errors import InputError, UnavailableError
from vats.report.notify.channels import Channel, DingTalk, Email, Feishu, Message, WeCom

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from vats.rules.calendar import Calendar

DEFAULT_BEFORE = (30, 7, 1)
CHANNELS = ("email", "dingtalk", "feishu", "wecom")
CHANNEL_LABELS = {
    "email": "电子邮件",
    "dingtalk": "钉钉机器人",
    "feishu": "飞书机器人",
    "wecom": "企业微信机器人",
}


def before_days() -> tuple[int, ...]:
    """Days before the due date to remind ($VATS_REMINDER_DAYS, e.g. "30,7,1")."""
    raw = os.environ.get("VATS_REMINDER_DAYS")
    if not raw:
        return DEFAULT_BEFORE
    try:
        days = tuple(sorted({int(p) for p in raw.split(",") if p.strip()}, reverse=True))
    except ValueError:
        raise InputError(f"not a list of days: {raw!r}", field="VATS_REMINDER_DAYS") from None
    if not days or any(d < 1 or d > 365 for d in days):
        raise InputError("days must be between 1 and 365", field="VATS_REMINDER_DAYS")
    return days


def stage_label(stage: str) -> str:
    """The Chinese words for a stage key ("d-30@…" → 到期前 30 天)."""
    name = stage.split("@", 1)[0]
    if name == "due":
        return "今天到期"
    if name.startswith("d-"):
        return f"到期前 {name[2:]} 天"
    if name.startswith("w+"):
        return f"已逾期第 {name[2:]} 周"
    return name


def stage_of(due: date, as_of: date, cal: Calendar, before: Sequence[int] = DEFAULT_BEFORE) -> str | None:
    """The stage to send on `as_of` for a duty due on `due` (None: nothing today)."""
    if not cal.is_working_day(as_of):
        return None
    stages: list[tuple[str, date]] = []
    for n in sorted(before, reverse=True):
        day = due - timedelta(days=n)
        stages.append((f"d-{n}", day if cal.is_working_day(day) else cal.previous_working_day(day)))
    stages.append(("due", due))
    weeks = (as_of - due).days // 7
    if weeks >= 1:
        stages.append((f"w+{weeks}", due + timedelta(days=7 * weeks)))
    latest = None
    for name, day in stages:
        if day <= as_of:
            latest = name
    return None if latest is None else f"{latest}@{due.isoformat()}"


@dataclass(frozen=True, slots=True)
class Item:
    """An open, dated obligation with its owner, as the reminder job sees it."""

    obligation_id: str
    licence: str
    organisation_id: int | None
    title: str
    subject: str | None
    due: date
    owner: str | None


@dataclass(slots=True)
class Report:
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (obligation id, stage, channel)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def channel_settings(session: Session) -> dict[str, dict[str, Any]]:
    from sqlalchemy import select

    from vats.registers.workspace.models import ReminderSetting

    return {row.channel: dict(row.config or {}) for row in session.scalars(select(ReminderSetting))}


def make_channel(settings: Mapping[str, Mapping[str, Any]], channel: str, address: str) -> Channel | None:
    """The sender for one user's preference, from the admin's channel setup (None: not set up)."""
    conf = settings.get(channel)
    if not conf:
        return None
    if channel == "email":
        if not address:
            return None
        return Email(
            host=str(conf.get("host", "")),
            port=int(conf.get("port", 25)),
            sender=str(conf.get("sender", "")),
            recipients=(address,),
            username=conf.get("username") or None,
            password=conf.get("password") or None,
            starttls=bool(conf.get("starttls", False)),
        )
    url = str(conf.get("url", ""))
    secret = conf.get("secret") or None
    if channel == "dingtalk":
        return DingTalk(url=url, secret=secret)
    if channel == "feishu":
        return Feishu(url=url, secret=secret)
    if channel == "wecom":
        return WeCom(url=url)
    return None


def preferences(session: Session) -> dict[str, tuple[str, str]]:
    """{user name: (channel, address)} of every user who chose a channel."""
    from sqlalchemy import select

    from vats.registers.workspace.models import ReminderChannel
    from vats.store.models import Actor

    query = select(Actor.name, ReminderChannel.channel, ReminderChannel.address).join(
        ReminderChannel, ReminderChannel.actor_id == Actor.id
    )
    return {name: (channel, address) for name, channel, address in session.execute(query)}


def message(item: Item, stage: str) -> Message:
    subject = f"（{item.subject}）" if item.subject else ""
    return Message(
        title=f"【合规提醒】{item.title}{subject}：{stage_label(stage)}",
        markdown="\n".join(
            [
                f"- 负责人：{item.owner}",
                f"- 许可证：{item.licence}",
                f"- 到期日：{item.due.isoformat()}",
                f"- 处理：/obligations/{item.obligation_id}",
            ]
        ),
    )


def send(
    engine: Engine,
    *,
    items: Sequence[Item],
    as_of: date,
    cal: Calendar | None = None,
    before: Sequence[int] | None = None,
    deliver: Callable[[Channel, Message], None] | None = None,
) -> Report:
    """Send today's stage of every item that has one and has not had it yet (see the module doc)."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from vats.registers.workspace.models import ReminderSent
    from vats.rules.calendar import default_calendar

    cal = cal or default_calendar()
    before = before_days() if before is None else before
    report = Report()
    due_today = [
        (item, stage) for item in items if (stage := stage_of(item.due, as_of, cal, before)) is not None
    ]
    if not due_today:
        return report
    with Session(engine) as session:
        settings = channel_settings(session)
        prefs = preferences(session)
        wanted = {item.obligation_id for item, _ in due_today}
        done: set[tuple[str, str]] = set()
        ids = sorted(wanted)
        for start in range(0, len(ids), 1000):
            query = select(ReminderSent.obligation_id, ReminderSent.stage).where(
                ReminderSent.obligation_id.in_(ids[start : start + 1000])
            )
            done.update((a, b) for a, b in session.execute(query))
    for item, stage in due_today:
        if (item.obligation_id, stage) in done or item.owner is None:
            report.skipped += 1
            continue
        channel_name, address = prefs.get(item.owner, ("", ""))
        channel = make_channel(settings, channel_name, address) if channel_name else None
        if channel is None:
            report.skipped += 1  # no channel chosen or set up: shown as unsent on the owner's page
            continue
        with Session(engine) as session:
            row = ReminderSent(
                obligation_id=item.obligation_id,
                stage=stage,
                licence=item.licence,
                organisation_id=item.organisation_id,
                recipient=item.owner,
                channel=channel_name,
            )
            session.add(row)
            try:
                session.commit()  # the claim: whoever inserts first sends
            except IntegrityError:
                session.rollback()
                report.skipped += 1
                continue
            try:
                (deliver or _deliver)(channel, message(item, stage))
            except UnavailableError as exc:
                row.error = exc.describe()[:1000]
                session.commit()
                report.errors.append(f"{item.obligation_id} {stage}: {exc.describe()}")
                continue
        report.sent.append((item.obligation_id, stage, channel_name))
    return report


def _deliver(channel: Channel, msg: Message) -> None:
    channel.send(msg)


def send_test(settings: Mapping[str, Mapping[str, Any]], *, channel: str, address: str) -> None:
    """The admin's "发送测试消息": one message through a channel as set up (raises when it fails)."""
    sender = make_channel(settings, channel, address)
    if sender is None:
        raise InputError("该渠道尚未配置 / channel not set up", field="channel")
    sender.send(Message(title="【合规提醒】测试消息", markdown="这是一条来自 vats 的测试消息。"))
