"""Regulator lists on the web: import a saved list (or a public page) with a column-mapping preview,
see every imported list and the findings it produced, hand a finding to an owner or close it, and
keep the counterparties to watch. APP filing findings per organisation live here too.

The upload is staged (`vats.web.staging`, bound to the uploading user), so "preview again with
this mapping" and "import" act on the same bytes. Every step calls the watchlist services the API
calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from vats.api.deps import DbSession, Principal, RecordId
from vats.checks.regulator_lists import COLUMNS, LIST_KINDS, MAX_BYTES
from vats.model.errors import InputError, NotFoundError
from vats.registers.watchlists import counterparties, service
from vats.web.auth import WebUser, WebWriter
from vats.web.organisations import chosen_organisation, visible_organisations
from vats.web.security import Csrf, check_csrf
from vats.web.staging import stage, staged
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
MATCHED_BY = {"uscc": "统一社会信用代码", "licence": "许可证编号", "name": "名称"}


def labels() -> dict[str, Any]:
    """Chinese labels for every code these pages show."""
    return {
        "kinds": LIST_KINDS,
        "columns": COLUMNS,
        "roles": service.ROLES,
        "parties": service.PARTY_LABELS,
        "statuses": service.FINDING_STATUSES,
        "matched_by": MATCHED_BY,
    }


def _section_page(
    request: Request, session: Any, user: Principal, template: str, *, status_code: int = 200, **context: Any
) -> Response:
    """A page of the lists section: the organisations the user may pick (and their names), whether
    the user may write, every code's label, and what was typed (empty unless an error re-renders)."""
    context.setdefault("error", None)
    context.setdefault("typed", {})
    orgs = visible_organisations(session, user)
    return render(
        request,
        template,
        status_code=status_code,
        nav="lists",
        organisations=orgs,
        org_names={o.id: o.name for o in orgs},
        writer=user.can_write,
        **labels(),
        **context,
    )


def _lists_page(request: Request, session: Any, user: Principal, **context: Any) -> Response:
    lists, findings = service.list_lists(session), service.list_findings(session)
    return _section_page(request, session, user, "lists.html", lists=lists, findings=findings, **context)


@router.get("/lists")
def lists_page(request: Request, user: WebUser, session: DbSession) -> Response:
    return _lists_page(request, session, user)


def _preview_page(
    request: Request,
    session: Any,
    user: Principal,
    *,
    token: str,
    typed: dict[str, str],
    mapping: dict[str, Any] | None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    data, name = staged(token, user)
    preview = service.preview_list(data=data, filename=name, mapping=mapping)
    orgs = visible_organisations(session, user)
    return render(
        request,
        "list_preview.html",
        status_code=status_code,
        nav="lists",
        preview=preview,
        token=token,
        typed=typed,
        error=error,
        organisations=orgs,
        **labels(),
    )


def _preview_error(
    request: Request, session: Any, user: Principal, exc: InputError | NotFoundError, **typed: Any
) -> Response:
    """The preview page again with the error and what was typed, the file's own mapping guessed."""
    return _preview_page(request, session, user, mapping=None, status_code=400, error=exc.describe(), **typed)


def _list_form(
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    kind: Annotated[str, Form(max_length=20)] = "bad",
    owner: Annotated[str, Form(max_length=200)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
) -> dict[str, str]:
    """The fields every step of a list import carries, kept as typed so an error page shows them."""
    return {"organisation_id": organisation_id, "kind": kind, "owner": owner, "url": url}


ListForm = Annotated[dict[str, str], Depends(_list_form)]


@dataclass(frozen=True, slots=True)
class _Step:
    """A step posted on a staged list: its token and the fields typed so far."""

    token: str
    typed: dict[str, str]


def _step(
    request: Request, token: Annotated[str, Form(max_length=64)], typed: ListForm, csrf_token: Csrf = ""
) -> _Step:
    """The fields every step after the upload posts, once its CSRF token is checked."""
    check_csrf(request, csrf_token)
    return _Step(token, typed)


Step = Annotated[_Step, Depends(_step)]


@router.post("/lists")
async def lists_upload(
    request: Request,
    user: WebWriter,
    session: DbSession,
    typed: ListForm,
    csrf_token: Csrf = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Stage the upload (or the fetched page) and show how it would be mapped."""
    from vats.registers.watchlists.api import read_upload

    check_csrf(request, csrf_token)
    if file is not None and not file.filename:
        file = None  # the browser sends an empty file part when only the URL was filled in
    try:
        service.organisation_for(session, chosen_organisation(typed["organisation_id"]))
        data, name, _source = await read_upload(file, typed["url"].strip() or None, cap=MAX_BYTES)
        token = stage(data, name, user)
        return _preview_page(request, session, user, token=token, typed=typed, mapping=None)
    except (InputError, NotFoundError) as exc:
        session.rollback()
        return _lists_page(request, session, user, status_code=400, error=exc.describe(), typed=typed)


async def _chosen_mapping(request: Request) -> dict[str, Any]:
    """The `map_<field>` selects of the preview page: a column index, or empty for "not mapped"."""
    form = await request.form(max_fields=40)
    return {key: str(form.get(f"map_{key}", "")) for key in COLUMNS}


@router.post("/lists/preview")
async def lists_preview(request: Request, user: WebWriter, session: DbSession, step: Step) -> Response:
    token, typed = step.token, step.typed
    mapping = await _chosen_mapping(request)
    try:
        return _preview_page(request, session, user, token=token, typed=typed, mapping=mapping)
    except InputError as exc:
        return _preview_error(request, session, user, exc, token=token, typed=typed)


@router.post("/lists/import")
async def lists_import(request: Request, user: WebWriter, session: DbSession, step: Step) -> Response:
    token, typed = step.token, step.typed
    mapping = await _chosen_mapping(request)
    data, name = staged(token, user)
    try:
        done = service.import_list(
            session,
            organisation_id=chosen_organisation(typed["organisation_id"]),
            kind=typed["kind"],
            data=data,
            filename=name,
            actor=user.name,
            mapping=mapping,
            source_url=typed["url"].strip() or None,
            owner=typed["owner"].strip() or None,
        )
    except (InputError, NotFoundError) as exc:
        session.rollback()
        return _preview_error(request, session, user, exc, token=token, typed=typed)
    return RedirectResponse(f"/lists/{done.regulator_list.id}", status_code=303)


@router.get("/lists/{list_id}")
def list_page(request: Request, list_id: RecordId, user: WebUser, session: DbSession) -> Response:
    stored = service.get_list(session, list_id=list_id)
    orgs = {o.id: o.name for o in visible_organisations(session, user)}
    return render(
        request,
        "list.html",
        nav="lists",
        stored=stored,
        organisation=orgs.get(stored.organisation_id, ""),
        entries=service.list_entries(session, list_id=list_id, limit=200),
        findings=service.list_findings(session, list_id=list_id),
        writer=user.can_write,
        **labels(),
    )


@router.post("/list-findings/{finding_id}")
def finding_update(
    request: Request,
    finding_id: RecordId,
    user: WebWriter,
    session: DbSession,
    csrf_token: Csrf = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=10)] = "",
    back: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Hand the finding to `owner` and/or set its status; back to the page it was changed on."""
    check_csrf(request, csrf_token)
    try:
        service.update_finding(session, finding_id=finding_id, owner=owner or None, status=status or None)
    except InputError as exc:
        session.rollback()
        return _lists_page(request, session, user, status_code=400, error=exc.describe())
    target = back if back.startswith("/lists/") and back[7:].isdigit() else "/lists"
    return RedirectResponse(f"{target}#finding-{finding_id}", status_code=303)


def _counterparties_page(request: Request, session: Any, user: Principal, **context: Any) -> Response:
    context.setdefault("flash", None)
    rows = counterparties.list_counterparties(session)
    return _section_page(request, session, user, "counterparties.html", rows=rows, **context)


@router.get("/counterparties")
def counterparties_page(request: Request, user: WebUser, session: DbSession) -> Response:
    return _counterparties_page(request, session, user)


@router.post("/counterparties")
def counterparty_add(
    request: Request,
    user: WebWriter,
    session: DbSession,
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    uscc: Annotated[str, Form(max_length=30)] = "",
    licence: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    typed = {"organisation_id": organisation_id, "role": role, "name": name, "uscc": uscc, "licence": licence,
             "note": note}  # fmt: skip
    try:
        counterparties.add_counterparty(
            session,
            organisation_id=chosen_organisation(organisation_id),
            role=role,
            name=name,
            uscc=uscc,
            licence=licence,
            note=note,
        )
    except (InputError, NotFoundError) as exc:
        session.rollback()
        return _counterparties_page(
            request, session, user, status_code=400, error=exc.describe(), typed=typed
        )
    return RedirectResponse("/counterparties", status_code=303)


@router.post("/counterparties/import")
async def counterparty_import(
    request: Request,
    user: WebWriter,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    typed = {"organisation_id": organisation_id}
    try:
        data = await file.read(counterparties.MAX_COUNTERPARTY_BYTES + 1)
        added, skipped = counterparties.import_counterparty_rows(
            session,
            organisation_id=chosen_organisation(organisation_id),
            data=data,
            filename=file.filename or "交易方.csv",
        )
    except (InputError, NotFoundError) as exc:
        session.rollback()
        return _counterparties_page(
            request, session, user, status_code=400, error=exc.describe(), typed=typed
        )
    return _counterparties_page(request, session, user, flash=(added, skipped), typed=typed)


@router.post("/counterparties/{counterparty_id}/delete")
def counterparty_delete(
    request: Request, counterparty_id: RecordId, user: WebWriter, session: DbSession, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    counterparties.delete_counterparty(session, counterparty_id=counterparty_id)
    return RedirectResponse("/counterparties", status_code=303)


@router.get("/organisations/{organisation_id}/app-filings")
def app_filings_page(
    request: Request, organisation_id: RecordId, user: WebUser, session: DbSession
) -> Response:
    """APP filing findings of one organisation's declared apps and licences."""
    from vats.store.app_filings import app_filing_report

    report = app_filing_report(session, organisation_id=organisation_id)
    org = service.organisation_for(session, organisation_id)
    return render(
        request,
        "app_filings.html",
        nav="licences",
        organisation=org,
        app_filings=report,
    )
