"""The obligations calendar (.ics) of what one principal may see: the subscribable feed, the web
download and the export route all answer with this."""

from __future__ import annotations

from fastapi.responses import Response
from sqlalchemy.orm import Session

from vats.api import views
from vats.api.deps import Principal
from vats.model.clock import now_utc, today

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


def ics_response(session: Session, principal: Principal) -> Response:
    from vats.report.ics import obligations_to_ics

    p = views.portfolio(session, principal, as_of=today())
    body = obligations_to_ics(p.obligations, now=now_utc(), name=f"vats · {principal.name}")
    return Response(
        content=body,
        media_type=ICS_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="vats-obligations.ics"',
            "Cache-Control": "no-store",
        },
    )
