"""Application dossier pages: the list (with opening a licence's or a change's dossier), and one
dossier with its checklist (owner, status, files), launch proof or stop list, clocks, export, and
recording submission and approval. They call the same service functions as the API and CLI."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from vats.api.deps import DbSession
from vats.api.forms import read_capped, received
from vats.model.errors import InputError, VatsError
from vats.web.auth import WebUser, WebWriter
from vats.web.forms import PostedVersion, error_status, failed, form_day
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
ItemId = Annotated[str, Path(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Short = Annotated[str, Form(max_length=200)]


def _list(
    request: Request,
    session: Any,
    user: Any,
    *,
    licence: str = "",
    kind: str | None = None,
    status: str | None = None,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    from vats.registers.dossiers import service

    try:
        found = service.list_dossiers(
            session, licence=licence or None, kind=kind or None, status=status or None
        )
    except InputError as exc:
        found, error, status_code = [], exc.describe(), 400
    return render(
        request,
        "dossiers.html",
        status_code=status_code,
        nav="dossiers",
        dossiers=found,
        kinds=service.KIND_LABELS,
        statuses=service.STATUS_LABELS,
        licence=licence,
        kind=kind or "",
        status=status or "",
        error=error,
        typed=typed or {},
        writer=user.can_write,
    )


@router.get("/dossiers")
def dossiers_page(
    request: Request, user: WebUser, session: DbSession, licence: str = "", kind: str = "", status: str = ""
) -> Response:
    return _list(request, session, user, licence=licence.strip()[:64], kind=kind[:20], status=status[:20])


@router.post("/dossiers")
def dossier_open(
    request: Request,
    session: DbSession,
    user: WebWriter,
    licence: Annotated[str, Form(max_length=64)] = "",
    change_id: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
) -> Response:
    from vats.registers.dossiers import service

    check_csrf(request, csrf_token)
    try:
        if change_id.strip():
            if not change_id.strip().isdigit():
                raise InputError(f"变更登记编号应为数字：{change_id!r}", field="change_id")
            dossier = service.open_change(session, change_id=int(change_id))
        elif licence.strip():
            dossier = service.open_renewal(session, licence=licence)
        else:
            raise InputError("请填写许可证编号或变更登记编号", field="licence")
    except VatsError as exc:
        session.rollback()
        typed = {"licence": licence, "change_id": change_id}
        return _list(request, session, user, error=exc.describe(), typed=typed, status_code=error_status(exc))
    return RedirectResponse(f"/dossiers/{dossier.id}", status_code=303)


@router.post("/dossiers/due")
def dossiers_due(request: Request, session: DbSession, user: WebWriter, csrf_token: Csrf = "") -> Response:
    from vats.registers.dossiers import service

    check_csrf(request, csrf_token)
    created = service.open_due(session)
    return RedirectResponse(f"/dossiers?opened={len(created)}", status_code=303)


def _page(
    request: Request,
    session: Any,
    dossier_id: int,
    user: Any,
    *,
    error: str | None = None,
    error_key: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    from vats.model.clock import minute_text
    from vats.registers.dossiers import service

    view = service.view_dossier(session, dossier_id=dossier_id)
    return render(
        request,
        "dossier.html",
        status_code=status_code,
        nav="dossiers",
        view=view,
        d=view.dossier,
        item_statuses=service.ITEM_STATUS_LABELS,
        error=error,
        error_key=error_key,
        typed=typed or {},
        minute=minute_text,
        writer=user.can_write,
        quoted=quote(view.dossier.licence),
    )


@router.get("/dossiers/{dossier_id}")
def dossier_page(request: Request, dossier_id: int, user: WebUser, session: DbSession) -> Response:
    return _page(request, session, dossier_id, user)


def _failed(
    request: Request, session: Any, dossier_id: int, user: Any, exc: VatsError, **typed: str
) -> Response:
    return failed(session, exc, partial(_page, request, session, dossier_id, user), typed)


@router.post("/dossiers/{dossier_id}/items/{item}")
def dossier_item(
    request: Request,
    dossier_id: int,
    item: ItemId,
    session: DbSession,
    user: WebWriter,
    expected: PostedVersion,
    owner: Short = "",
    status: Annotated[str, Form(max_length=10)] = "",
    note: Short = "",
) -> Response:
    from vats.registers.dossiers import service

    try:
        service.update_item(
            session,
            dossier_id=dossier_id,
            item=item,
            owner=owner,
            status=status or None,
            note=note,
            expected_version=expected,
        )
    except VatsError as exc:
        return _failed(
            request, session, dossier_id, user, exc, item=item, owner=owner, status=status, note=note
        )
    return RedirectResponse(f"/dossiers/{dossier_id}#item-{item}", status_code=303)


@router.post("/dossiers/{dossier_id}/items/{item}/attachments")
async def dossier_attach(
    request: Request,
    dossier_id: int,
    item: ItemId,
    session: DbSession,
    user: WebWriter,
    expected: PostedVersion,
    file: Annotated[UploadFile, File()],
) -> Response:
    from vats.registers.dossiers import service

    content = await read_capped(file)
    try:
        service.attach(
            session,
            dossier_id=dossier_id,
            item=item,
            filename=file.filename or "",
            content=content,
            media_type=file.content_type,
            expected_version=expected,
        )
    except VatsError as exc:
        return _failed(request, session, dossier_id, user, exc, item=item)
    return RedirectResponse(f"/dossiers/{dossier_id}#item-{item}", status_code=303)


@router.post("/dossiers/{dossier_id}/submit")
def dossier_submit(
    request: Request,
    dossier_id: int,
    session: DbSession,
    user: WebWriter,
    expected: PostedVersion,
    submitted_at: Annotated[str, Form(max_length=10)] = "",
    receipt_no: Annotated[str, Form(max_length=100)] = "",
    not_continuing: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    from vats.registers.dossiers import service

    try:
        service.submit(
            session,
            dossier_id=dossier_id,
            submitted_at=form_day(submitted_at, field="submitted_at", label="提交日期"),
            receipt_no=receipt_no or None,
            not_continuing=bool(not_continuing),
            expected_version=expected,
        )
    except VatsError as exc:
        return _failed(
            request,
            session,
            dossier_id,
            user,
            exc,
            submitted_at=submitted_at,
            receipt_no=receipt_no,
            not_continuing=not_continuing,
        )
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)


@router.post("/dossiers/{dossier_id}/approve")
async def dossier_approve(
    request: Request,
    dossier_id: int,
    session: DbSession,
    user: WebWriter,
    expected: PostedVersion,
    document: Annotated[UploadFile, File()],
    approved_at: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    from vats.registers.dossiers import service

    licence = await received(document)
    try:
        service.approve(
            session,
            dossier_id=dossier_id,
            approved_at=form_day(approved_at, field="approved_at", label="批准日期"),
            document=licence,
            expected_version=expected,
        )
    except VatsError as exc:
        return _failed(request, session, dossier_id, user, exc, approved_at=approved_at)
    return RedirectResponse(f"/dossiers/{dossier_id}", status_code=303)
