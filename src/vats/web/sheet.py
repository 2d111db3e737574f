"""/licences/sheet: upload a spreadsheet, adjust the column mapping, preview, import, download problems.

The uploaded file is staged (`vats.web.staging`) under a token bound to the uploading user, so
"preview again with this mapping", "import" and "download the problem report" act on the same bytes.
Every step goes through `vats.api.sheet.run_sheet`, the API's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from vats.api.deps import DbSession, Principal
from vats.api.sheet import problem_report, read_sheet_upload, run_sheet, upload_name
from vats.ingest.sheet import FIELDS, open_sheet
from vats.ingest.sheet.columns import IGNORE
from vats.model.errors import InputError
from vats.web.auth import WebWriter
from vats.web.organisations import chosen_organisation, visible_organisations
from vats.web.security import Csrf, check_csrf
from vats.web.staging import stage, staged
from vats.web.templating import render

router = APIRouter(include_in_schema=False)


async def _mapping(request: Request, data: bytes, name: str) -> dict[str, str]:
    """The mapping chosen on the page: one `col_N` select per column of the staged sheet."""
    form = await request.form()
    if not any(key.startswith("col_") for key in form):
        return {}
    headers = open_sheet(data, name=name).headers
    mapping: dict[str, str] = {}
    for i, header in enumerate(headers):
        value = str(form.get(f"col_{i}", IGNORE))
        if value != IGNORE and value not in FIELDS:
            raise InputError(f"unknown field {value[:40]!r} / 未知字段", field=f"col_{i}")
        if header:
            mapping[header] = value
    return mapping


def _form(request: Request, session: Any, user: Principal, **context: Any) -> Response:
    context.setdefault("error", None)
    context.setdefault("summary", None)
    context.setdefault("organisation_id", "")
    return render(
        request,
        "sheet.html",
        nav="licences",
        organisations=visible_organisations(session, user),
        fields=FIELDS,
        ignore=IGNORE,
        **context,
    )


@router.get("/licences/sheet")
def sheet_form(request: Request, user: WebWriter, session: DbSession) -> Response:
    return _form(request, session, user)


async def _summary(
    request: Request,
    session: Any,
    user: Principal,
    *,
    data: bytes,
    name: str,
    organisation_id: str,
    write: bool,
) -> Any:
    """The staged sheet `data` run under the mapping chosen on the page (written only when `write`)."""
    return run_sheet(
        session,
        user,
        data=data,
        name=name,
        mapping=await _mapping(request, data, name),
        organisation_id=chosen_organisation(organisation_id),
        write=write,
    )


@dataclass(frozen=True, slots=True)
class _Step:
    """A step posted on a staged sheet: its token and the organisation chosen on the page."""

    token: str
    organisation_id: str


def _step(
    request: Request,
    token: Annotated[str, Form(max_length=64)],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> _Step:
    """The form fields every step after the upload posts, once its CSRF token is checked."""
    check_csrf(request, csrf_token)
    return _Step(token, organisation_id)


Step = Annotated[_Step, Depends(_step)]


async def _run(request: Request, session: Any, user: Principal, step: _Step, *, write: bool) -> Response:
    token, organisation_id = step.token, step.organisation_id
    data, name = staged(token, user)
    try:
        summary = await _summary(
            request, session, user, data=data, name=name, organisation_id=organisation_id, write=write
        )
    except InputError as exc:
        session.rollback()
        return _form(
            request,
            session,
            user,
            status_code=400,
            error=exc.describe(),
            token=token,
            filename=name,
            organisation_id=organisation_id,
        )
    return _form(
        request,
        session,
        user,
        summary=summary,
        token=token,
        filename=name,
        organisation_id=organisation_id,
    )


@router.post("/licences/sheet")
async def sheet_upload(
    request: Request,
    user: WebWriter,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        data = await read_sheet_upload(file)
    except InputError as exc:
        return _form(
            request, session, user, status_code=400, error=exc.describe(), organisation_id=organisation_id
        )
    step = _Step(stage(data, upload_name(file), user), organisation_id)
    return await _run(request, session, user, step, write=False)


@router.post("/licences/sheet/preview")
async def sheet_preview(request: Request, user: WebWriter, session: DbSession, step: Step) -> Response:
    return await _run(request, session, user, step, write=False)


@router.post("/licences/sheet/import")
async def sheet_import(request: Request, user: WebWriter, session: DbSession, step: Step) -> Response:
    return await _run(request, session, user, step, write=True)


@router.post("/licences/sheet/report")
async def sheet_report(request: Request, user: WebWriter, session: DbSession, step: Step) -> Response:
    """The problem report of the staged sheet under the chosen mapping (nothing is written)."""
    data, name = staged(step.token, user)
    summary = await _summary(
        request, session, user, data=data, name=name, organisation_id=step.organisation_id, write=False
    )
    return problem_report(summary)
