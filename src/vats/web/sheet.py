"""/licences/sheet: upload a spreadsheet, adjust the column mapping, preview, import, download problems.

The uploaded file is staged on the server under a random token bound to the uploading user (file
inputs cannot be kept across pages, and a base64 copy of a large sheet would exceed the form field
limit), so "preview again with this mapping", "import" and "download the problem report" act on
the same bytes. Staged files expire after `STAGE_TTL_S` and are removed on the next upload.
Every step goes through `vats.api.sheet.run_sheet`, the API's path.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from vats.api.deps import DbSession, Principal
from vats.api.sheet import problem_report, read_sheet_upload, run_sheet, upload_name
from vats.ingest.sheet import FIELDS, open_sheet
from vats.ingest.sheet.columns import IGNORE
from vats.model.errors import InputError, NotFoundError
from vats.web.auth import WebWriter
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
STAGE_TTL_S = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _stage_dir() -> Path:
    path = Path(
        os.environ.get("VATS_SHEET_STAGE") or Path(tempfile.gettempdir()) / f"vats-sheets-{os.getuid()}"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"staging directory {path} is not private to this user")
    return path


def _stage(data: bytes, name: str, user: Principal) -> str:
    folder = _stage_dir()
    cutoff = time.time() - STAGE_TTL_S
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.who").write_text(f"{user.name}\n{name}", encoding="utf-8")
    return token


def _staged(token: str, user: Principal) -> tuple[bytes, str]:
    """The staged bytes and file name; another user's or an expired token is simply not found."""
    if not _TOKEN.fullmatch(token):
        raise NotFoundError(
            "表格已过期，请重新上传 / the uploaded sheet expired: upload it again", field="token"
        )
    folder = _stage_dir()
    try:
        who, _, name = (folder / f"{token}.who").read_text(encoding="utf-8").partition("\n")
        if who != user.name or (folder / f"{token}.bin").stat().st_mtime < time.time() - STAGE_TTL_S:
            raise FileNotFoundError(token)
        return (folder / f"{token}.bin").read_bytes(), name
    except OSError:
        raise NotFoundError(
            "表格已过期，请重新上传 / the uploaded sheet expired: upload it again", field="token"
        ) from None


def _organisations(session: Any, user: Principal) -> list[Any]:
    from vats.store.organisations import list_organisations

    return [o for o in list_organisations(session) if user.can_see(o.id)]


def organisation_choice(value: str) -> int | None:
    """The organisation chosen in an upload form (empty: the default one), validated as an id."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 10:
        raise InputError("organisation_id must be a number / 组织编号无效", field="organisation_id")
    return int(value)


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
        organisations=_organisations(session, user),
        fields=FIELDS,
        ignore=IGNORE,
        **context,
    )


@router.get("/licences/sheet")
def sheet_form(request: Request, user: WebWriter, session: DbSession) -> Response:
    return _form(request, session, user)


async def _run(
    request: Request, session: Any, user: Principal, *, token: str, organisation_id: str, write: bool
) -> Response:
    data, name = _staged(token, user)
    try:
        mapping = await _mapping(request, data, name)
        summary = run_sheet(
            session,
            user,
            data=data,
            name=name,
            mapping=mapping,
            organisation_id=organisation_choice(organisation_id),
            write=write,
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
    token = _stage(data, upload_name(file), user)
    return await _run(request, session, user, token=token, organisation_id=organisation_id, write=False)


@router.post("/licences/sheet/preview")
async def sheet_preview(
    request: Request,
    user: WebWriter,
    session: DbSession,
    token: Annotated[str, Form(max_length=64)],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return await _run(request, session, user, token=token, organisation_id=organisation_id, write=False)


@router.post("/licences/sheet/import")
async def sheet_import(
    request: Request,
    user: WebWriter,
    session: DbSession,
    token: Annotated[str, Form(max_length=64)],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    return await _run(request, session, user, token=token, organisation_id=organisation_id, write=True)


@router.post("/licences/sheet/report")
async def sheet_report(
    request: Request,
    user: WebWriter,
    session: DbSession,
    token: Annotated[str, Form(max_length=64)],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """The problem report of the staged sheet under the chosen mapping (nothing is written)."""
    check_csrf(request, csrf_token)
    data, name = _staged(token, user)
    summary = run_sheet(
        session,
        user,
        data=data,
        name=name,
        mapping=await _mapping(request, data, name),
        organisation_id=organisation_choice(organisation_id),
        write=False,
    )
    return problem_report(summary)
