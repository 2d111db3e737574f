"""Web pages of the obligation workspace: one obligation's page with its actions (complete with
evidence, assign, waiver request and approval, reopen) and 我的待办 (the signed-in user's obligations
by urgency). Each form posts to a handler that calls the same service as the API; an error shows
the page again with the message (naming the field) and what the user typed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.api import views, workspace
from vats.api.deps import DbSession, Principal
from vats.api.forms import received
from vats.model.clock import today
from vats.model.errors import InputError, VatsError
from vats.model.obligation_ids import WORK_LABELS, WorkStatus
from vats.registers.workspace import service
from vats.web.auth import WebUser, WebWriter
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {
    "licence": "许可证",
    "date": "日期",
    "done_on": "完成日期",
    "note": "说明",
    "files": "证据文件",
    "records": "关联登记记录",
    "event_type": "完成事件",
    "owner": "负责人",
    "reason": "理由",
    "expires_on": "豁免到期日",
    "approver": "审批人",
    "status": "状态",
    "id": "义务编号",
    "waiver": "豁免申请",
}


def error_text(exc: VatsError) -> str:
    """The message with the field's Chinese label first (never a bare internal field name)."""
    label = FIELD_LABELS.get(exc.field or "") or _vocabulary_label(exc.field or "")
    message = str(exc.args[0]) if exc.args else exc.describe()
    return f"{label}：{message}" if label else message


def _vocabulary_label(name: str) -> str:
    from vats.reference.rules_library import default_library

    for etype in default_library().event_types.values():
        spec = etype.fields.get(name)
        if spec is not None and spec.label is not None:
            return spec.label.zh
    return name


def owner_choices(session: Session, organisation_id: int | None) -> list[str]:
    """Users who may own an obligation of this organisation (admins, or granted it)."""
    from vats.store.models import Actor
    from vats.store.web import OrgGrant

    query = select(Actor.name).where(Actor.kind == "human", Actor.disabled.is_(False))
    if organisation_id is not None:
        granted = select(OrgGrant.actor_id).where(OrgGrant.organisation_id == organisation_id)
        query = query.where((Actor.role == "admin") | Actor.id.in_(granted))
    return list(session.scalars(query.order_by(Actor.name)))


def _page(
    request: Request,
    session: Session,
    user: Principal,
    target: service.Target,
    *,
    error: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    from vats.reference.rules_library import default_library

    data = workspace.detail(session, target)
    vocabulary = default_library().event_types
    auto = {"note", "subject"}
    extra: dict[str, Any] = {}
    for code in data["completion_types"]:
        filled = set(service.completion_fields(target.obligation, code)) | auto
        for name, spec in vocabulary[code].fields.items():
            if name not in filled:
                extra.setdefault(name, spec)
    return render(
        request,
        "obligation.html",
        status_code=status_code,
        nav="obligations",
        ob=data,
        error=error,
        values=values or {},
        today=today(),
        writer=user.can_write,
        owners=owner_choices(session, target.organisation_id),
        completion_types=[(t, vocabulary[t].title.zh) for t in data["completion_types"] if t in vocabulary],
        extra_fields=list(extra.items()),
        open=target.obligation.status in service.OPEN or service.attestable(target.obligation),
        control=_control(target.obligation),
        closed=target.obligation.status in service.CLOSED,
    )


def _control(ob: Any) -> Any:
    """A periodic control's row (last evidence, next review), None for any other obligation."""
    from vats.rules.controls import control_row, is_control

    row = control_row(ob) if is_control(ob) else None
    return row if row is not None and row.periodic else None


def _find(session: Session, user: Principal, ident: str) -> service.Target:
    return workspace.find(session, user, ident, as_of=today())


@router.get("/obligations/{ident}")
def obligation_page(request: Request, ident: str, user: WebUser, session: DbSession) -> Response:
    return _page(request, session, user, _find(session, user, ident))


def _date(text: str | None, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise InputError("请填写日期（年-月-日）/ enter a date", field=field) from None


async def _act(
    request: Request, session: Session, user: Principal, ident: str, values: dict[str, Any], action: Any
) -> Response:
    """Run an action; on a refusal show the page again with the message and the typed values."""
    target = _find(session, user, ident)
    try:
        result = action(target)
        if hasattr(result, "__await__"):
            await result
    except VatsError as exc:
        session.rollback()
        fresh = _find(session, user, ident)
        return _page(request, session, user, fresh, error=error_text(exc), values=values, status_code=400)
    return RedirectResponse(f"/obligations/{target.id}", status_code=303)


@router.post("/obligations/{ident}/complete")
async def complete_form(
    request: Request,
    ident: str,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    done_on: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=service.MAX_NOTE)] = "",
    records: Annotated[str, Form(max_length=2000)] = "",
    event_type: Annotated[str, Form(max_length=64)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    form = await request.form()
    extra = {
        k[2:]: str(v)[: service.MAX_NOTE] for k, v in form.items() if k.startswith("f_") and str(v).strip()
    }
    values = {"done_on": done_on, "note": note, "records": records, "event_type": event_type}
    values.update({f"f_{k}": v for k, v in extra.items()})
    received_files = [await received(f) for f in (files or [])[: service.MAX_FILES + 1]]
    uploads = [u for u in received_files if u.filename or u.content]

    def run(target: service.Target) -> Any:
        return service.complete(
            session,
            target=target,
            done_on=_date(done_on, "done_on"),
            note=note,
            files=uploads,
            records=[r for r in records.replace("，", ",").replace(" ", ",").split(",") if r.strip()],
            event_type=event_type or None,
            fields=extra or None,
        )

    return await _act(request, session, user, ident, values, run)


@router.post("/obligations/{ident}/owner")
async def owner_form(
    request: Request,
    ident: str,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    owner: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return await _act(
        request,
        session,
        user,
        ident,
        {"owner": owner},
        lambda t: service.assign_owner(session, target=t, owner=owner),
    )


@router.post("/obligations/{ident}/waivers")
async def waiver_form(
    request: Request,
    ident: str,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    reason: Annotated[str, Form(max_length=service.MAX_REASON)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return await _act(
        request,
        session,
        user,
        ident,
        {"waiver_reason": reason, "expires_on": expires_on},
        lambda t: service.request_waiver(
            session, target=t, reason=reason, expires_on=_date(expires_on, "expires_on")
        ),
    )


@router.post("/obligations/{ident}/waivers/{waiver_id}/{decision}")
async def waiver_decision_form(
    request: Request,
    ident: str,
    waiver_id: int,
    decision: str,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    if decision not in ("approve", "reject"):
        raise InputError("未知操作 / unknown decision", field="waiver")
    return await _act(
        request,
        session,
        user,
        ident,
        {},
        lambda t: service.decide_waiver(
            session, target=t, request_id=waiver_id, approve=decision == "approve"
        ),
    )


@router.post("/obligations/{ident}/reopen")
async def reopen_form(
    request: Request,
    ident: str,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    reason: Annotated[str, Form(max_length=service.MAX_REASON)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return await _act(
        request,
        session,
        user,
        ident,
        {"reopen_reason": reason},
        lambda t: service.reopen(session, target=t, reason=reason),
    )


def my_rows(session: Session, user: Principal, *, as_of: date) -> list[workspace.Row]:
    """The user's open, dated obligations (theirs explicitly, or by an organisation's default owner),
    by urgency. Memoised on the evaluated portfolio: any change of owners is an audited write, which
    makes a new portfolio, so the memo can never be stale."""
    p = views.portfolio(session, user, as_of=as_of)
    key = f"my:{user.name}"
    cached = p.derived.get(key)
    if cached is not None:
        return list(cached)
    explicit, slots = service.owned_ids(session, user=user.name)
    rows: list[workspace.Row] = []
    if explicit or slots:
        by_id = workspace.index(p)
        chosen = [by_id[i] for i in sorted(explicit) if i in by_id]
        orgs = {org for org, _rule in slots}
        if orgs:
            seen = {id(o) for o in chosen}
            chosen += [
                o
                for o in p.obligations
                if o.due_date is not None
                and o.status in service.OPEN
                and p.organisation_of.get(o.licence) in orgs
                and id(o) not in seen
            ]
        rows = [
            r
            for r in workspace.rows(session, p, chosen)
            if r.owner == user.name and r.target.obligation.status in service.OPEN
        ]
    p.derived[key] = result = tuple(workspace.by_urgency(rows))
    return list(result)


MY_ROWS_SHOWN = 50  # per urgency group; the counts say how many more there are


@router.get("/my")
def my_work_page(request: Request, user: WebUser, session: DbSession) -> Response:
    as_of = today()
    p = views.portfolio(session, user, as_of=as_of)
    key = f"my-groups:{user.name}"
    groups = p.derived.get(key)
    if groups is None:  # memoised like `my_rows`: a page view then only renders
        rows = my_rows(session, user, as_of=as_of)
        built = []
        for s in (WorkStatus.OVERDUE, WorkStatus.DUE_SOON, WorkStatus.UPCOMING):
            items = [r for r in rows if r.status is s]
            built.append((WORK_LABELS[s], s.value, tuple(items[:MY_ROWS_SHOWN]), len(items)))
        groups = p.derived[key] = (tuple(built), len(rows))
    shown, total = groups
    return render(request, "my_work.html", nav="my", groups=shown, total=total, as_of=as_of, user=user.name)


@router.get("/events/new")
def event_form(
    request: Request,
    user: WebWriter,
    session: DbSession,
    licence: str | None = None,
    type: str | None = None,
) -> Response:
    return _event_page(request, session, user, values={"licence": licence or "", "event_type": type or ""})


def _event_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """记录事件: one form for every event type that can satisfy an obligation, its fields, types and
    Chinese labels read from event_types.yaml; licences limited to those the caller may see."""
    from vats.reference.rules_library import default_library

    vocabulary = default_library().event_types
    p = views.portfolio(session, user, as_of=today())
    chosen = values.get("event_type") or ""
    fields = list(vocabulary[chosen].fields.items()) if chosen in vocabulary else []
    visible = {lic.number for lic in p.licences}
    if values.get("licence") and values["licence"] not in visible:  # unknown or another organisation's
        values = {**values, "licence": ""}
        error = error or "许可证：未找到该许可证 / licence not found"
    return render(
        request,
        "event_form.html",
        status_code=status_code,
        nav="obligations",
        types=[(t, vocabulary[t].title.zh) for t in service.recordable_types()],
        licences=[lic.number for lic in p.licences[:2000]],
        fields=fields,
        values=values,
        error=error,
        today=today(),
    )


@router.post("/events")
async def event_submit(request: Request, session: DbSession, user: WebWriter) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    values = {k: str(v)[: service.MAX_NOTE] for k, v in form.items() if k != "csrf_token"}
    licence = values.get("licence", "").strip()
    try:
        if not licence:
            raise InputError("请选择许可证 / choose a licence", field="licence")
        service.record_event_form(
            session,
            licence=licence,
            event_type=values.get("event_type", ""),
            on=_date(values.get("date"), "date"),
            fields={k[2:]: v for k, v in values.items() if k.startswith("f_")},
        )
    except VatsError as exc:
        session.rollback()
        return _event_page(request, session, user, values=values, error=error_text(exc), status_code=400)
    return RedirectResponse(f"/licences/{quote(licence)}", status_code=303)
