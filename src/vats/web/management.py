"""The management view (`/management`) and its PDF export (`/management.pdf`), for every reader.

Both show the caller's organisations only: the figures come from the caller's visible portfolio."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vats.api.deps import DbSession
from vats.api.management import management_figures
from vats.model.clock import now_utc, today
from vats.report.management_view import render_body, render_pdf
from vats.web.auth import WebUser
from vats.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/management")
def management_page(request: Request, user: WebUser, session: DbSession) -> Response:
    as_of = today()
    figures = management_figures(session, user, as_of=as_of)
    return render(request, "management.html", nav="management", as_of=as_of, body=render_body(figures))


@router.get("/management.pdf")
def management_pdf(request: Request, user: WebUser, session: DbSession) -> Response:
    as_of = today()
    figures = management_figures(session, user, as_of=as_of)
    pdf = render_pdf(figures, generated_at=now_utc(), base_url=str(request.base_url))
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="management-{as_of.isoformat()}.pdf"'},
    )
