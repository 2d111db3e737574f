"""The annual report workpack page: pre-filled values with their sources, boxes to fill, problems,
export, and recording the submission. It calls the same service functions as the API and CLI."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from vats.api.deps import DbSession
from vats.api.forms import received
from vats.model.errors import NotFoundError, VatsError
from vats.web.auth import WebUser, WebWriter
from vats.web.forms import PostedVersion, failed, form_day, form_version
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 600


def _page(
    request: Request,
    session: Any,
    workpack_id: int,
    user: Any,
    *,
    error: str | None = None,
    error_key: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    from vats.registers.workpacks import service
    from vats.rules.workpack import display

    view = service.view_workpack(session, workpack_id=workpack_id)
    sections: list[tuple[str, list[Any]]] = []
    for row in view.rows:
        title = row.slot.section.title
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(row)
    entered = {k: display(v) for k, v in (view.workpack.values or {}).items()}
    return render(
        request,
        "workpack.html",
        status_code=status_code,
        nav="licences",
        view=view,
        sections=sections,
        values=typed if typed is not None else entered,
        display=display,
        error=error,
        error_key=error_key,
        writer=user.can_write,
        quoted=quote(view.workpack.licence),
    )


def _failed(
    request: Request,
    session: Any,
    workpack_id: int,
    user: Any,
    exc: VatsError,
    typed: dict[str, str] | None = None,
) -> Response:
    return failed(session, exc, partial(_page, request, session, workpack_id, user), typed)


@router.get("/licences/{number}/workpacks")
def latest_workpack(number: str, user: WebUser) -> Response:
    """The workpack of the newest report year vats has a form for."""
    from vats.reference.annual_report import available_years

    return RedirectResponse(f"/licences/{quote(number)}/workpacks/{max(available_years())}", status_code=303)


@router.get("/licences/{number}/workpacks/{year}")
def workpack_page(request: Request, number: str, year: int, user: WebUser, session: DbSession) -> Response:
    from vats.registers.workpacks import service

    try:
        workpack = service.find_workpack(session, licence=number, year=year)
    except NotFoundError as exc:
        if exc.field != "licence" or "workpack" not in exc.message:
            raise
        from vats.reference.annual_report import load_form

        load_form(year)
        return render(request, "workpack_start.html", nav="licences", number=number, year=year)
    return _page(request, session, workpack.id, user)


@router.post("/licences/{number}/workpacks/{year}")
def workpack_start(
    request: Request, number: str, year: int, session: DbSession, user: WebWriter, csrf_token: Csrf = ""
) -> Response:
    from vats.registers.workpacks import service

    check_csrf(request, csrf_token)
    workpack = service.open_workpack(session, licence=number, year=year)
    return RedirectResponse(f"/licences/{quote(workpack.licence)}/workpacks/{year}", status_code=303)


@router.post("/workpacks/{workpack_id}/save")
async def workpack_save(request: Request, workpack_id: int, session: DbSession, user: WebWriter) -> Response:
    from vats.registers.workpacks import service

    form = await request.form(max_fields=MAX_FORM_FIELDS)
    check_csrf(request, str(form.get("csrf_token", "")))
    typed = {k[2:]: str(v) for k, v in form.items() if k.startswith("v:")}
    version = str(form.get("version", ""))
    try:
        expected = form_version(version)
        service.fill_workpack(session, workpack_id=workpack_id, values=typed, expected_version=expected)
    except VatsError as exc:
        return _failed(request, session, workpack_id, user, exc, typed)
    workpack = service.get_workpack(session, workpack_id=workpack_id)
    return RedirectResponse(
        f"/licences/{quote(workpack.licence)}/workpacks/{workpack.year}?saved=1", status_code=303
    )


@router.post("/workpacks/{workpack_id}/submit")
async def workpack_submit(
    request: Request,
    workpack_id: int,
    session: DbSession,
    user: WebWriter,
    expected: PostedVersion,
    receipt: Annotated[UploadFile, File()],
    submitted_at: Annotated[str, Form(max_length=10)] = "",
    receipt_no: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    from vats.registers.workpacks import service

    proof = await received(receipt)
    try:
        service.submit_workpack(
            session,
            workpack_id=workpack_id,
            submitted_at=form_day(submitted_at, field="submitted_at", label="报送日期"),
            receipt=proof,
            receipt_no=receipt_no or None,
            expected_version=expected,
        )
    except VatsError as exc:
        return _failed(request, session, workpack_id, user, exc)
    workpack = service.get_workpack(session, workpack_id=workpack_id)
    return RedirectResponse(f"/licences/{quote(workpack.licence)}/workpacks/{workpack.year}", status_code=303)
