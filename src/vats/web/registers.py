"""Register pages (cases, complaints, incidents, …) built from the registers' own API routes.

Nothing here knows a register's fields: the list, the create form and every state-change form are
derived from the request/response models of `vats.registers.<concept>.api`, and submissions call
those same endpoint functions — so the web UI validates exactly as the API and the CLI do, and a
new register or field appears here without web changes.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from vats.api.deps import DbSession, Forbidden, Principal, Role, check_role, route_roles
from vats.api.listing import PageParams
from vats.api.settings import PER_PAGE
from vats.model.errors import NotFoundError, VatsError
from vats.web.auth import WebUser, WebWriter
from vats.web.i18n import RECORD_HIDDEN
from vats.web.query import as_type, page_number
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
# Not shown as list columns (still in the API output); the record page hides fewer.
HIDDEN_FIELDS = frozenset({"subject", "organisation_id", "created_at", "updated_at", "version", "actions"})
HIDDEN_FIELDS |= {"due", "note"}


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    kind: str  # text | date | datetime-local | number | checkbox | select | textarea
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    default: Any = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    call: Any
    body: type[BaseModel] | None
    id_param: str | None
    #: roles the API route admits (read from its dependencies, which a direct call does not run)
    roles: tuple[Role, ...] | None = None


def _registry() -> dict[str, Any]:
    from vats.registers.states import registers

    return {info.plural: info for info in registers()}


def _info(plural: str) -> Any:
    info = _registry().get(plural)
    if info is None:
        raise NotFoundError(f"no register {plural!r} / 登记簿不存在")
    return info


def _endpoint(request: Request, method: str, path: str) -> Endpoint:
    """The API endpoint function serving `method path`, with its body model and id parameter."""
    from fastapi.routing import iter_route_contexts

    for ctx in iter_route_contexts(request.app.routes):
        if ctx.path == path and method in (ctx.methods or ()):
            call = ctx.endpoint
            if call is None:
                continue
            hints = typing.get_type_hints(call, include_extras=True)
            body = None
            for name, hint in hints.items():
                base = typing.get_args(hint)[0] if typing.get_origin(hint) is Annotated else hint
                if name == "body" and isinstance(base, type) and issubclass(base, BaseModel):
                    body = base
            id_param = next((p for p in inspect.signature(call).parameters if p.endswith("_id")), None)
            dependant = getattr(ctx, "dependant", None)
            roles = route_roles(dependant) if dependant is not None else None
            return Endpoint(call=call, body=body, id_param=id_param, roles=roles)
    raise NotFoundError(f"no API route {method} {path}")


def _vocabulary_name(field: Any) -> str | None:
    """The vocabulary list a `Code("…")` field is restricted to (read from its validator)."""
    for meta in field.metadata:
        func = getattr(meta, "func", None)
        if func is not None:
            name = inspect.getclosurevars(func).nonlocals.get("name")
            if isinstance(name, str):
                return name
    return None


def form_fields(model: type[BaseModel], lang: str) -> list[FormField]:
    from vats.registers.vocab import vocabulary

    out = []
    for name, field in model.model_fields.items():
        hint = field.annotation
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        base = args[0] if args and typing.get_origin(hint) is not None else hint
        vocab = _vocabulary_name(field)
        options: tuple[tuple[str, str], ...] = ()
        if vocab:
            terms = vocabulary().terms(vocab).items  # type: ignore[arg-type]
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
        out.append(FormField(name, kind, field.is_required(), options, default))
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


def _call(endpoint: Endpoint, request: Request, session: Any, user: Principal, **given: Any) -> Any:
    """Call an API endpoint function with what its signature asks for.

    Calling the function directly skips the route's dependencies, so the role requirement they
    carry is applied here: the web path admits exactly the roles the API admits."""
    if endpoint.roles is not None:
        check_role(user, endpoint.roles)
    supplied: dict[str, Any] = {}
    hints = typing.get_type_hints(endpoint.call, include_extras=True)
    for name, param in inspect.signature(endpoint.call).parameters.items():
        if name in given:
            supplied[name] = given[name]
        elif name == "request":
            supplied[name] = request
        elif name == "response":
            supplied[name] = Response()
        elif name == "session":
            supplied[name] = session
        elif name == "actor":
            supplied[name] = user
        elif name == "paging":
            supplied[name] = PageParams(
                number=page_number(request.query_params.get("page")), per_page=PER_PAGE
            )
        elif name == "expected":
            supplied[name] = None
        elif name in request.query_params and request.query_params[name] != "":
            raw = request.query_params[name]
            if isinstance(param.default, bool):
                supplied[name] = raw in ("1", "true", "on")
            else:  # validated as the API would (a direct call skips FastAPI's validation)
                supplied[name] = as_type(name, raw, hints.get(name, str))
        elif param.default is not inspect.Parameter.empty:
            supplied[name] = None if hasattr(param.default, "default") else param.default
    return endpoint.call(**supplied)


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
    info = _info(plural)
    listing = _call(_endpoint(request, "GET", f"/api/v1/{plural}"), request, session, user)
    create = _endpoint(request, "POST", f"/api/v1/{plural}")
    columns = _columns(listing.items)
    return render(
        request,
        "register_list.html",
        nav="registers",
        info=info,
        listing=listing,
        columns=columns,
        fields=form_fields(create.body, _lang(request)) if create.body and _writer(user) else [],
        values={},
        error=None,
        statuses=sorted(info.machine.states),
        filters=dict(request.query_params),
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


def _columns(items: list[BaseModel]) -> list[str]:
    if not items:
        return []
    names = [n for n in type(items[0]).model_fields if n not in HIDDEN_FIELDS]
    return names[:8]


@router.post("/registers/{plural}")
async def register_create(request: Request, plural: str, session: DbSession, user: WebWriter) -> Response:
    info = _info(plural)
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    create = _endpoint(request, "POST", f"/api/v1/{plural}")
    assert create.body is not None
    values = _form_values(create.body, form)
    try:
        body = create.body.model_validate(values)
        record = _call(create, request, session, user, body=body)
    except Forbidden:
        raise
    except (ValidationError, VatsError) as exc:
        session.rollback()
        listing = _call(_endpoint(request, "GET", f"/api/v1/{plural}"), request, session, user)
        return render(
            request,
            "register_list.html",
            status_code=400,
            nav="registers",
            info=info,
            listing=listing,
            columns=_columns(listing.items),
            fields=form_fields(create.body, _lang(request)),
            values=values,
            error=_message(exc),
            statuses=sorted(info.machine.states),
            filters={},
            total=listing.total,
            page=listing.page,
            per_page=listing.per_page,
            query=lambda **kw: _with_query(request, **kw),
        )
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
    info = _info(plural)
    read = _endpoint(request, "GET", f"/api/v1/{plural}/{{{_id_name(request, plural)}}}")
    record = _call(read, request, session, user, **{read.id_param or "id": record_id})
    actions = []
    for action in record.actions:
        try:
            ep = _endpoint(request, "POST", f"/api/v1/{plural}/{{{read.id_param}}}/{action}")
        except NotFoundError:
            continue  # an action the API does not offer over HTTP (e.g. file attachments: CLI only)
        fields = form_fields(ep.body, _lang(request)) if ep.body else []
        actions.append((action, fields))
    data = record.model_dump()
    labels = _code_labels(request, plural, sorted({a for (_s, a) in info.machine.transitions}))
    return render(
        request,
        "register_record.html",
        status_code=400 if error else 200,
        nav="registers",
        info=info,
        record=record,
        data={k: v for k, v in data.items() if k not in RECORD_HIDDEN},
        labels=labels,
        actions=actions if _writer(user) else [],
        attachable=plural == "filings" and "attach" in record.actions and _writer(user),
        corrections=_correctable(info, data) if _writer(user) else [],
        error=error,
    )


def _correctable(info: Any, data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field, current value) of what the record page may correct: recorded values (and the note)."""
    from vats.registers.corrections import corrections_of

    return [
        (name, data.get(name))
        for name in corrections_of(info).fields()
        if name in data and (data[name] is not None or name == "note")
    ]


def _code_labels(request: Request, plural: str, actions: list[str]) -> dict[str, dict[str, str]]:
    """field → {code: label} for every vocabulary field of the register's input models, so stored
    codes (`category: constitution`) display as their words."""
    lang = _lang(request)
    models = [_endpoint(request, "POST", f"/api/v1/{plural}").body]
    id_name = _id_name(request, plural)
    for action in actions:
        try:
            models.append(_endpoint(request, "POST", f"/api/v1/{plural}/{{{id_name}}}/{action}").body)
        except NotFoundError:
            continue
    labels: dict[str, dict[str, str]] = {}
    for model in models:
        for f in form_fields(model, lang) if model else []:
            if f.options:
                labels[f.name] = dict(f.options)
    return labels


def _id_name(request: Request, plural: str) -> str:
    from fastapi.routing import iter_route_contexts

    prefix = f"/api/v1/{plural}/{{"
    for ctx in iter_route_contexts(request.app.routes):
        if ctx.path and ctx.path.startswith(prefix) and ctx.path.count("/") == 4:
            return ctx.path[len(prefix) : -1]
    raise NotFoundError(f"no record route for {plural}")


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
    _info(plural)  # only the registers' own actions; other API routes are not reachable from here
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    id_name = _id_name(request, plural)
    ep = _endpoint(request, "POST", f"/api/v1/{plural}/{{{id_name}}}/{action}")
    version = str(form.get("version", ""))
    given: dict[str, Any] = {id_name: record_id, "expected": int(version) if version.isdigit() else None}
    try:
        if ep.body is not None:
            given["body"] = ep.body.model_validate(_form_values(ep.body, form))
        _call(ep, request, session, user, **given)
    except Forbidden:
        raise
    except (ValidationError, VatsError) as exc:
        session.rollback()
        return _record_page(request, plural, record_id, session, user, error=_message(exc))
    return RedirectResponse(f"/registers/{plural}/{record_id}", status_code=303)
