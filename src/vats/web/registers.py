"""Register pages (cases, complaints, incidents, …) built from the registers' specs.

Nothing here knows a register's fields: the list, the create form and every step's form are derived
from the spec's input models and labels, and submissions call the same generic service as the API
and the CLI — so the web UI validates exactly as they do, and a new register or field appears here
without web changes.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from vats.api.deps import READERS, WRITERS, DbSession, Forbidden, Principal, Role, check_role
from vats.api.listing import PageParams
from vats.api.settings import PER_PAGE
from vats.model.errors import NotFoundError, VatsError
from vats.registers.spec import RegisterSpec
from vats.web.auth import WebUser, WebWriter
from vats.web.i18n import RECORD_HIDDEN
from vats.web.query import as_type, page_number, parsed
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
# Not shown as list columns (still in the API output); the record page hides fewer.
HIDDEN_FIELDS = frozenset({"subject", "organisation_id", "created_at", "updated_at", "version", "actions"})
HIDDEN_FIELDS |= {"due", "note"}


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: str  # text | date | datetime-local | number | checkbox | select | textarea
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    default: Any = None


@dataclass(frozen=True, slots=True)
class Listing:
    items: list[Any]
    total: int
    page: int
    per_page: int


def _registry() -> dict[str, RegisterSpec]:
    from vats.registers import specs

    return {spec.plural: spec for spec in specs()}


def _info(plural: str) -> RegisterSpec:
    spec = _registry().get(plural)
    if spec is None:
        raise NotFoundError(f"no register {plural!r} / 登记簿不存在")
    return spec


def form_fields(spec: RegisterSpec, model: type[BaseModel], lang: str) -> list[FormField]:
    from vats.registers.schemas import vocab_of
    from vats.registers.vocab import vocabulary

    out = []
    for name, field in model.model_fields.items():
        hint = field.annotation
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        base = args[0] if args and typing.get_origin(hint) is not None else hint
        vocab = vocab_of(field)
        options: tuple[tuple[str, str], ...] = ()
        if vocab:
            terms = vocabulary().terms(vocab).items
            options = tuple((t.code, t.en if lang == "en" else t.zh) for t in terms)
            kind = "select"
        elif base is bool:
            kind = "checkbox"
        elif base is date:
            kind = "date"
        elif base is datetime:
            kind = "datetime-local"
        elif base is int:
            kind = "number"
        elif name in ("note", "description", "summary"):
            kind = "textarea"
        else:
            kind = "text"
        default = None if field.is_required() else field.default
        label = spec.label(name).text(lang)
        out.append(FormField(name, label, kind, field.is_required(), options, default))
    return out


def _form_values(model: type[BaseModel], form: Any) -> dict[str, Any]:
    """Form strings → model input: empty optional fields are omitted, checkboxes become booleans."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        hint = field.annotation
        is_bool = hint is bool or bool in typing.get_args(hint)
        if is_bool:
            values[name] = form.get(name) in ("on", "true", "1")
            continue
        raw = form.get(name)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        values[name] = raw
    return values


def _listing(request: Request, spec: RegisterSpec, session: Any, user: Principal) -> Listing:
    """One page of the register with the filters in the query string (as the API's list applies them)."""
    from vats.registers.generic import service

    check_role(user, READERS)
    query = request.query_params
    values: dict[str, Any] = {}
    for name, field in spec.filters.model_fields.items():
        raw = query.get(name, "")
        if raw != "":
            values[name] = (
                raw in ("1", "true", "on")
                if field.annotation is bool
                else as_type(name, raw, field.annotation)
            )
    paging = PageParams(number=page_number(query.get("page")), per_page=PER_PAGE)
    result = service.find(session, spec, filters=values, page=paging)
    items = service.present(session, spec, result.items, as_of=_as_of(request))
    return Listing(items=items, total=result.total, page=paging.number, per_page=paging.per_page)


def _as_of(request: Request) -> date | None:
    raw = request.query_params.get("as_of", "")
    return parsed("as_of", raw, date.fromisoformat, "YYYY-MM-DD 日期") if raw else None


def _writer(user: Principal) -> bool:
    return user.role in (Role.ADMIN, Role.OFFICER)


@router.get("/registers")
def registers_index(request: Request, user: WebUser, session: DbSession) -> Response:
    from vats.registers.base import open_counts

    counts = open_counts(session)
    rows = [(info, counts.get(info.key, 0)) for info in _registry().values()]
    return render(request, "registers.html", nav="registers", rows=rows)


@router.get("/registers/{plural}")
def register_list(request: Request, plural: str, user: WebUser, session: DbSession) -> Response:
    spec = _info(plural)
    return _list_page(request, spec, session, user, values={}, error=None)


def _list_page(
    request: Request,
    spec: RegisterSpec,
    session: Any,
    user: Principal,
    *,
    values: dict[str, Any],
    error: str | None,
) -> Response:
    listing = _listing(request, spec, session, user)
    return render(
        request,
        "register_list.html",
        status_code=400 if error else 200,
        nav="registers",
        info=spec,
        listing=listing,
        columns=_columns(spec) if listing.items else [],
        label=lambda name: spec.label(name).text(_lang(request)),
        fields=form_fields(spec, spec.create, _lang(request)) if _writer(user) else [],
        values=values,
        error=error,
        statuses=list(spec.machine.ordered_states),
        labels=_code_labels(spec, _lang(request)),
        filters=dict(request.query_params) if not error else {},
        total=listing.total,
        page=listing.page,
        per_page=listing.per_page,
        query=lambda **kw: _with_query(request, **kw),
    )


def _with_query(request: Request, **changes: Any) -> str:
    from urllib.parse import urlencode

    params = dict(request.query_params)
    params.update({k: str(v) for k, v in changes.items()})
    return urlencode(params)


def _lang(request: Request) -> str:
    from vats.web.templating import request_lang

    return request_lang(request)


def _columns(spec: RegisterSpec) -> list[str]:
    return [n for n in spec.out.model_fields if n not in HIDDEN_FIELDS][:8]


@router.post("/registers/{plural}")
async def register_create(request: Request, plural: str, session: DbSession, user: WebWriter) -> Response:
    from vats.registers.generic import service

    spec = _info(plural)
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    check_role(user, WRITERS)
    values = _form_values(spec.create, form)
    try:
        record = service.add(session, spec, values=spec.create.model_validate(values).model_dump())
    except (ValidationError, VatsError) as exc:
        if isinstance(exc, Forbidden):
            raise
        session.rollback()
        return _list_page(request, spec, session, user, values=values, error=_message(exc))
    return RedirectResponse(f"/registers/{plural}/{record.id}", status_code=303)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}"
    assert isinstance(exc, VatsError)
    return exc.describe()


def _record_page(
    request: Request, plural: str, record_id: int, session: Any, user: Principal, *, error: str | None = None
) -> Response:
    from vats.registers.generic import service

    spec, lang = _info(plural), _lang(request)
    check_role(user, READERS)
    record = service.present(session, spec, [service.get(session, spec, record_id=record_id)])[0]
    actions = []
    for action in record.actions:
        step = spec.step(action)
        if step is None:
            continue  # an action beyond the spec's steps (file attachments: their own form below)
        fields = form_fields(spec, step.body, lang) if step.body else []
        actions.append((action, spec.summary(action).text(lang), fields))
    data = record.model_dump()
    return render(
        request,
        "register_record.html",
        status_code=400 if error else 200,
        nav="registers",
        info=spec,
        record=record,
        data={k: v for k, v in data.items() if k not in RECORD_HIDDEN},
        label=lambda name: spec.label(name).text(lang),
        labels=_code_labels(spec, lang),
        actions=actions if _writer(user) else [],
        attachable=plural == "filings" and "attach" in record.actions and _writer(user),
        dossier_change=plural == "changes" and _writer(user),
        corrections=_correctable(spec, data) if _writer(user) else [],
        error=error,
    )


def _correctable(spec: RegisterSpec, data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field, current value) of what the record page may correct: recorded values (and the note)."""
    from vats.registers.corrections import correctable

    return [
        (name, data.get(name))
        for name in correctable(spec)
        if name in data and (data[name] is not None or name == "note")
    ]


def _code_labels(spec: RegisterSpec, lang: str) -> dict[str, dict[str, str]]:
    """field → {code: label} for every vocabulary field of the register's input models, so stored
    codes (`category: constitution`) display as their words."""
    models = [spec.create, *(s.body for s in spec.steps if s.body is not None)]
    labels: dict[str, dict[str, str]] = {}
    for model in models:
        for f in form_fields(spec, model, lang):
            if f.options:
                labels[f.name] = dict(f.options)
    return labels


@router.get("/registers/{plural}/{record_id}")
def register_record(
    request: Request, plural: str, record_id: int, user: WebUser, session: DbSession
) -> Response:
    return _record_page(request, plural, record_id, session, user)


@router.post("/registers/filings/{record_id}/attachments")
async def filing_attachment(
    request: Request,
    record_id: int,
    file: Annotated[UploadFile, File()],
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
) -> Response:
    """Attach a file to a filing from its page (the generic actions below post JSON-shaped forms)."""
    from vats.registers.filings import service

    check_csrf(request, csrf_token)
    content = await file.read(service.max_attachment_bytes() + 1)
    try:
        service.attach_file(
            session,
            filing_id=record_id,
            filename=file.filename or "",
            content=content,
            media_type=file.content_type,
        )
    except VatsError as exc:
        session.rollback()
        return _record_page(request, "filings", record_id, session, user, error=_message(exc))
    return RedirectResponse(f"/registers/filings/{record_id}", status_code=303)


@router.post("/registers/{plural}/{record_id}/corrections")
async def register_correction(
    request: Request,
    plural: str,
    record_id: int,
    session: DbSession,
    user: WebWriter,
    field: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """Correct one recorded value from the record page (`registers.corrections`)."""
    from vats.registers.corrections import correct_record

    check_csrf(request, csrf_token)
    info = _info(plural)
    try:
        correct_record(
            session,
            register=info.plural,
            record_id=record_id,
            changes={field: value} if field else {},
            reason=reason,
            expected_version=int(version) if version.isdigit() else None,
        )
    except VatsError as exc:
        session.rollback()
        return _record_page(request, plural, record_id, session, user, error=_message(exc))
    return RedirectResponse(f"/registers/{plural}/{record_id}", status_code=303)


@router.post("/registers/{plural}/{record_id}/{action}")
async def register_action(
    request: Request, plural: str, record_id: int, action: str, session: DbSession, user: WebWriter
) -> Response:
    from vats.registers.generic import service

    spec = _info(plural)
    step = spec.step(action.replace("-", "_"))
    if step is None:  # only the registers' own steps; nothing else is reachable from here
        raise NotFoundError(f"no action {action!r} / 无此操作")
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    check_role(user, WRITERS)
    version = str(form.get("version", ""))
    try:
        body = step.body.model_validate(_form_values(step.body, form)).model_dump() if step.body else None
        service.act(
            session,
            spec,
            record_id=record_id,
            action=step.action,
            values=body,
            expected_version=int(version) if version.isdigit() else None,
        )
    except (ValidationError, VatsError) as exc:
        if isinstance(exc, Forbidden):
            raise
        session.rollback()
        return _record_page(request, plural, record_id, session, user, error=_message(exc))
    return RedirectResponse(f"/registers/{plural}/{record_id}", status_code=303)
