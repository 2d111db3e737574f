"""立即检查: homepage checks started from the web (one site, one licence, or every visible licence)
as a recorded background job (`vats.api.checkjobs`, the same path as `POST /api/v1/checks/runs`).
The job's page shows its progress and then links to the results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vats.api.checkjobs import submit_check
from vats.api.deps import DbSession
from vats.web.auth import WebWriter
from vats.web.security import Csrf, check_csrf

router = APIRouter(include_in_schema=False)


@router.post("/checks/run")
def start_check(
    request: Request,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    licence: Annotated[str, Form(max_length=64)] = "",
    domain: Annotated[str, Form(max_length=253)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    job = submit_check(session, principal=user, licence=licence, domain=domain)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
