"""提醒与负责人: the signed-in user's reminder channel, the organisations' default owners (per
organisation and per rule), the admin's channel setup with "发送测试消息", and the log of what was
sent. Forms call the workspace services; errors name the field's Chinese label and keep the input."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.api.deps import Admin, DbSession, Principal
from vats.model.errors import VatsError
from vats.registers.workspace import settings as ws_settings
from vats.registers.workspace.service import set_default_owner
from vats.web.auth import WebUser, WebWriter
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)

LABELS = {
    "channel": "提醒渠道",
    "address": "接收地址",
    "host": "SMTP 服务器",
    "port": "端口",
    "sender": "发件人",
    "url": "机器人网址",
    "owner": "负责人",
    "organisation": "组织",
    "rule_id": "规则",
}


def _error(exc: VatsError) -> str:
    label = LABELS.get(exc.field or "", exc.field or "")
    message = str(exc.args[0]) if exc.args else exc.describe()
    return f"{label}：{message}" if label else message


def _page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
    flash: str | None = None,
    status_code: int = 200,
) -> Response:
    from vats.reference.rules_library import default_library
    from vats.registers.workspace.models import DefaultOwner
    from vats.report.notify.reminders import CHANNEL_LABELS, stage_label
    from vats.store.models import Actor, Organisation
    from vats.web.workspace import owner_choices

    orgs = [
        o for o in session.scalars(select(Organisation).order_by(Organisation.name)) if user.can_see(o.id)
    ]
    names = dict(session.execute(select(Actor.id, Actor.name)).all())
    defaults = [
        (d, names.get(d.actor_id, "?"))
        for d in session.scalars(
            select(DefaultOwner).order_by(DefaultOwner.organisation_id, DefaultOwner.rule_id)
        )
        if user.can_see(d.organisation_id)
    ]
    pref = ws_settings.preference_of(session, user=user.name)
    configured = ws_settings.channel_settings(session) if user.role.value == "admin" else {}
    return render(
        request,
        "reminders.html",
        status_code=status_code,
        nav="reminders",
        error=error,
        flash=flash,
        values=values or {},
        channels=list(CHANNEL_LABELS.items()),
        pref=pref,
        organisations=[(o, owner_choices(session, o.id)) for o in orgs],
        org_names={o.id: o.name for o in orgs},
        rules=[(r.id, r.title.zh) for r in default_library().rules],
        rule_titles={r.id: r.title.zh for r in default_library().rules},
        defaults=defaults,
        configured=configured,
        log=ws_settings.sent_log(session, organisations=user.organisations),
        stage_label=stage_label,
    )


@router.get("/reminders")
def reminders_page(request: Request, user: WebUser, session: DbSession) -> Response:
    return _page(request, session, user)


@router.post("/reminders/me")
def my_channel(
    request: Request,
    session: DbSession,
    user: WebUser,
    csrf_token: Csrf = "",
    channel: Annotated[str, Form(max_length=16)] = "",
    address: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        ws_settings.set_preference(session, user=user.name, channel=channel, address=address)
    except VatsError as exc:
        session.rollback()
        values = {"channel": channel, "address": address}
        return _page(request, session, user, error=_error(exc), values=values, status_code=400)
    return RedirectResponse("/reminders", status_code=303)


@router.post("/reminders/owners")
def default_owner(
    request: Request,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    organisation: Annotated[str, Form(max_length=12)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    rule_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    from vats.model.errors import InputError

    check_csrf(request, csrf_token)
    values = {"organisation": organisation, "owner": owner, "rule_id": rule_id}
    try:
        if not organisation.isdigit():
            raise InputError("请选择组织 / choose an organisation", field="organisation")
        set_default_owner(session, organisation_id=int(organisation), owner=owner, rule_id=rule_id or None)
    except VatsError as exc:
        session.rollback()
        return _page(request, session, user, error=_error(exc), values=values, status_code=400)
    return RedirectResponse("/reminders", status_code=303)


@router.post("/reminders/channels/{channel}")
async def channel_setup(request: Request, channel: str, session: DbSession, user: Admin) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    values = {k: str(v)[:1000] for k, v in form.items() if k not in ("csrf_token", "password", "secret")}
    raw = {k: str(v)[:1000] for k, v in form.items() if k != "csrf_token"}
    try:
        ws_settings.save_channel(session, channel=channel, values=raw)
    except VatsError as exc:
        session.rollback()
        return _page(request, session, user, error=_error(exc), values=values, status_code=400)
    return RedirectResponse("/reminders", status_code=303)


@router.post("/reminders/channels/{channel}/test")
def channel_test(
    request: Request,
    channel: str,
    session: DbSession,
    user: Admin,
    csrf_token: Csrf = "",
    address: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    from vats.report.notify.reminders import send_test

    check_csrf(request, csrf_token)
    try:
        send_test(ws_settings.channel_settings(session), channel=channel, address=address.strip())
    except VatsError as exc:
        return _page(request, session, user, error=f"测试消息发送失败：{_error(exc)}", status_code=400)
    return _page(request, session, user, flash="测试消息已发送。")
