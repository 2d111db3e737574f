"""`/calendar/<token>.ics`: a per-user subscribable feed of the obligations that user can see.

Calendar apps cannot log in, so the secret token in the URL is the credential (stored hashed);
the feed shows exactly what its owner would see in the web UI.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from vats.api import accounts
from vats.api.calendar import ics_response
from vats.api.ratelimit import limited
from vats.model.errors import NotFoundError

router = APIRouter(tags=["calendar"])


@router.get(
    "/calendar/{token}.ics",
    summary="Subscribable obligations calendar (the token is the credential)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"description": "unknown or revoked token"}},
    dependencies=[limited("calendar")],
)
def calendar_feed(token: str, request: Request) -> Response:
    with Session(request.app.state.engine) as session:
        principal = accounts.principal_from_feed(session, token)
        if principal is None:
            raise NotFoundError("unknown calendar feed / 日历订阅不存在")
        request.state.principal = principal
        return ics_response(session, principal)
