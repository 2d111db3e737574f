"""`/calendar/<token>.ics`: a per-user subscribable feed of the obligations that user can see.

Calendar apps cannot log in, so the secret token in the URL is the credential (stored hashed);
the feed shows exactly what its owner would see in the web UI.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from vats.api import accounts, views
from vats.api.deps import Principal
from vats.model.clock import today
from vats.model.errors import NotFoundError

router = APIRouter(tags=["calendar"])
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


def ics_response(session: Session, principal: Principal) -> Response:
    from vats.report.ics import obligations_to_ics

    p = views.portfolio(session, principal, as_of=today())
    body = obligations_to_ics(p.obligations, now=datetime.now(UTC), name=f"vats · {principal.name}")
    return Response(
        content=body,
        media_type=ICS_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="vats-obligations.ics"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/calendar/{token}.ics",
    summary="Subscribable obligations calendar (the token is the credential)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "unknown or revoked token"}},
)
def calendar_feed(token: str, request: Request) -> Response:
    with Session(request.app.state.engine) as session:
        principal = accounts.principal_from_feed(session, token)
        if principal is None:
            raise NotFoundError("unknown calendar feed / 日历订阅不存在")
        request.state.principal = principal
        return ics_response(session, principal)
