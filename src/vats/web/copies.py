"""Web pages of licence copies: the issue form of a licence, the register with its per-recipient view,
one copy (download, revoke), and the public verification page a copy's QR code opens (no login)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vats.api.deps import DbSession
from vats.api.ratelimit import limited
from vats.model.clock import today
from vats.model.copystatement import MAX_TEXT
from vats.model.errors import InputError, VatsError
from vats.store import copies as store
from vats.web.auth import WebUser, WebWriter
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)


def _form(
    request: Request, number: str, values: dict[str, str], error: str | None, status: int = 200
) -> Response:
    return render(
        request,
        "copy_new.html",
        status_code=status,
        nav="licences",
        number=number,
        values=values,
        error=error,
        today=today(),
    )


@router.get("/licences/{number}/copies/new")
def issue_form(request: Request, number: str, user: WebWriter, session: DbSession) -> Response:
    from vats.store.licences import require_licence

    record = require_licence(session, number=number)
    return _form(request, record.number, {"recipient": "", "purpose": "", "until": ""}, None)


@router.post("/licences/{number}/copies")
def issue(
    request: Request,
    number: str,
    user: WebWriter,
    session: DbSession,
    recipient: Annotated[str, Form(max_length=400)] = "",
    purpose: Annotated[str, Form(max_length=800)] = "",
    until: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Csrf = "",
) -> Response:
    from vats.report.copies import issue_copy
    from vats.store.licences import require_licence

    check_csrf(request, csrf_token)
    record = require_licence(session, number=number)  # a foreign or unknown licence: 404 as for any page
    values = {"recipient": recipient, "purpose": purpose, "until": until}
    try:
        valid_until = _date(until)
        issued = issue_copy(
            session,
            number=record.number,
            recipient=recipient,
            purpose=purpose,
            until=valid_until,
            public_url=str(request.base_url),
        )
    except InputError as exc:
        session.rollback()
        return _form(request, record.number, values, exc.describe(), status=400)
    return RedirectResponse(f"/copies/{quote(issued.copy.copy_id)}?issued=1", status_code=303)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"不是日期（YYYY-MM-DD）/ not a date: {text!r}", field="until") from None


@router.get("/copies")
def register_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    recipient: str | None = None,
    licence: str | None = None,
    state: str | None = None,
) -> Response:
    rows = store.list_copies(
        session,
        recipient=(recipient or "")[: store.MAX_RECIPIENT] or None,
        number=(licence or "")[:64] or None,
        state=state if state in ("valid", "expired", "revoked") else None,
    )
    as_of = today()
    return render(
        request,
        "copies.html",
        nav="copies",
        rows=[(r, r.state_on(as_of)) for r in rows],
        recipients=store.recipients(session),
        filters={"recipient": recipient or "", "licence": licence or "", "state": state or ""},
    )


@router.get("/copies/{copy_id}")
def copy_page(request: Request, copy_id: str, user: WebUser, session: DbSession, issued: int = 0) -> Response:
    row = store.get_copy(session, copy_id=copy_id)
    return render(
        request,
        "copy.html",
        nav="copies",
        c=row,
        state=row.state_on(today()),
        verify_link=_verify_link(row.statement),
        flash="副本已签发" if issued else None,
    )


def _verify_link(statement: str) -> str:
    """The local verification page for a stored statement (whatever server address it carries)."""
    from urllib.parse import urlsplit

    query = urlsplit(statement).query
    return f"/verify/copy?{query}" if query else "/verify/copy"


@router.get("/copies/{copy_id}/pdf")
def copy_pdf(copy_id: str, user: WebUser, session: DbSession) -> Response:
    row = store.get_copy(session, copy_id=copy_id)
    return Response(
        content=row.pdf or b"",
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{row.copy_id}.pdf"'},
    )


@router.post("/copies/{copy_id}/revoke")
def revoke(
    request: Request,
    copy_id: str,
    user: WebWriter,
    session: DbSession,
    reason: Annotated[str, Form(max_length=800)] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    row = store.revoke_copy(session, copy_id=copy_id, reason=reason or None)
    return RedirectResponse(f"/copies/{quote(row.copy_id)}", status_code=303)


@router.get("/verify/copy", dependencies=[limited("verify")])
def verify_page(request: Request, s: str = "") -> Response:
    """Public: what a copy's QR says, checked against our keys and the register."""
    from vats.model.keyring import Keyring
    from vats.store.db import session_scope

    verdict: Any = None
    error = None
    if s:
        if len(s) > MAX_TEXT:
            error = "二维码内容过长 / QR text too long"
        else:
            try:
                with session_scope(request.app.state.engine, actor="public:verify") as session:
                    verdict = store.verify_online(session, text=s, keys=Keyring().public_keys())
            except VatsError as exc:
                error = exc.describe()
    return render(
        request,
        "verify_copy.html",
        status_code=400 if error else 200,
        verdict=verdict,
        error=error,
        as_of=today(),
    )
