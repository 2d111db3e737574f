"""Reminder settings: each user's channel preference and the admin's channel setup, validated once
here for the web and any other caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import InputError, NotFoundError
from vats.registers.workspace.models import ReminderChannel, ReminderSent, ReminderSetting
from vats.store.models import Actor

CHANNELS = ("email", "dingtalk", "feishu", "wecom")


def _channel(value: str) -> str:
    if value not in CHANNELS:
        raise InputError("请选择提醒渠道 / choose a channel", field="channel")
    return value


def set_preference(session: Session, *, user: str, channel: str, address: str = "") -> ReminderChannel:
    """Where `user`'s reminders go; e-mail needs an address, robots post to their group."""
    actor = session.scalar(select(Actor).where(Actor.name == user))
    if actor is None:
        raise NotFoundError("用户不存在 / user not found", field="user")
    chosen = _channel(channel)
    text = address.strip()
    if chosen == "email" and ("@" not in text or len(text) > 254 or any(c.isspace() for c in text)):
        raise InputError("请填写有效的邮箱地址 / enter a valid e-mail address", field="address")
    row = session.get(ReminderChannel, actor.id)
    if row is None:
        row = ReminderChannel(actor_id=actor.id, channel=chosen, address=text[:500])
        session.add(row)
    else:
        row.channel, row.address = chosen, text[:500]
    session.flush()
    return row


def preference_of(session: Session, *, user: str) -> ReminderChannel | None:
    actor = session.scalar(select(Actor.id).where(Actor.name == user))
    return None if actor is None else session.get(ReminderChannel, actor)


def save_channel(session: Session, *, channel: str, values: dict[str, Any]) -> ReminderSetting:
    """The admin's setup of one channel: SMTP (host, port, sender, optional login, STARTTLS) or a
    robot (HTTPS webhook URL, optional signing secret). A blank password keeps the stored one."""
    chosen = _channel(channel)
    row = session.get(ReminderSetting, chosen)
    old = dict(row.config) if row is not None else {}
    if chosen == "email":
        host = str(values.get("host", "")).strip()
        sender = str(values.get("sender", "")).strip()
        if not host or len(host) > 253:
            raise InputError("请填写 SMTP 服务器 / SMTP host is required", field="host")
        if "@" not in sender:
            raise InputError("请填写发件人邮箱 / sender address is required", field="sender")
        try:
            port = int(str(values.get("port") or 25))
        except ValueError:
            raise InputError("端口应为数字 / port must be a number", field="port") from None
        if not 1 <= port <= 65535:
            raise InputError("端口应在 1–65535 之间 / port out of range", field="port")
        config: dict[str, Any] = {
            "host": host,
            "port": port,
            "sender": sender,
            "username": str(values.get("username", "")).strip(),
            "password": str(values.get("password", "")) or old.get("password", ""),
            "starttls": bool(values.get("starttls")),
        }
    else:
        url = str(values.get("url", "")).strip()
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")) or len(url) > 1000:
            raise InputError("请填写机器人的 https 网址 / enter the robot's https URL", field="url")
        config = {"url": url, "secret": str(values.get("secret", "")) or old.get("secret", "")}
    if row is None:
        row = ReminderSetting(channel=chosen, config=config)
        session.add(row)
    else:
        row.config = config
    session.flush()
    return row


def channel_settings(session: Session) -> dict[str, dict[str, Any]]:
    return {row.channel: dict(row.config or {}) for row in session.scalars(select(ReminderSetting))}


def sent_log(
    session: Session, *, organisations: frozenset[int] | None, limit: int = 200
) -> list[ReminderSent]:
    """The latest reminders sent (admins: all; others: their organisations')."""
    query = select(ReminderSent).order_by(ReminderSent.id.desc()).limit(limit)
    if organisations is not None:
        query = query.where(ReminderSent.organisation_id.in_(sorted(organisations)))
    return list(session.scalars(query))
