"""立即检查: homepage checks started from the web (one site, one licence, or every visible licence)
as a recorded background job: queued for the workers on PostgreSQL, run in this server on SQLite
(`vats.api.jobsubmit`). The job's page shows its progress and then links to the results.

The scope is checked against the caller's organisations before anything is recorded or fetched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vats.api import jobsubmit, views
from vats.api.deps import DbSession
from vats.model.clock import minute_text, now_utc, today
from vats.model.errors import InputError, NotFoundError
from vats.store.background import JobRequest
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
    p = views.portfolio(session, user, as_of=today())
    visible = {lic.number: lic for lic in p.licences}
    if licence:
        if licence not in visible:
            raise NotFoundError("未找到许可证 / licence not found", field="licence")
        if domain and all(s.domain.lower() != domain.lower() for s in visible[licence].sites):
            raise InputError("该许可证未登记此网站 / the licence lists no such site", field="domain")
        numbers: list[str] | None = [licence]
    elif domain:
        raise InputError("请选择许可证 / choose a licence", field="licence")
    else:
        numbers = None if user.organisations is None else sorted(visible)
        if numbers == []:
            raise InputError("没有可检查的许可证 / no licence to check", field="licence")
    orgs = {p.organisation_of.get(n) for n in (numbers or ())}
    organisation = orgs.pop() if len(orgs) == 1 else None
    kind = "check_site" if domain else "check_licence" if licence else "check_all"
    what = f"{domain}（{licence}）" if domain else licence or "全部许可证的网站"
    minute = minute_text(now_utc())
    # a double click within the minute is the same job; a later click checks again
    key = f"{kind}:{user.name}:{licence}:{domain.lower()}:{minute}"
    args = {"licences": numbers, "domain": domain.lower() or None}
    job = jobsubmit.submit(session, JobRequest(kind, key, user.name, what, organisation, args))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
