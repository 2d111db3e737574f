"""立即检查: homepage checks started from the web (one site, one licence, or every visible licence)
run as a background job in this server process; its page shows progress and then the result.

Jobs live in this process's memory (a restart forgets unfinished ones; their stored runs remain).
The scope is checked against the caller's organisations before anything is fetched."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vats.api import views
from vats.api.deps import DbSession
from vats.model.clock import today
from vats.model.errors import InputError, NotFoundError
from vats.web.auth import WebUser, WebWriter
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_JOBS = 100


@dataclass
class Job:
    id: int
    owner: str
    licences: tuple[str, ...]
    domains: tuple[str, ...] | None
    label: str
    done: int = 0
    total: int = 0
    finished: bool = False
    run_id: int | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


_JOBS: dict[int, Job] = {}
_IDS = itertools.count(1)
_GUARD = threading.Lock()


def _start(engine: Any, job: Job) -> None:
    from vats.api.jobs import run_site_checks

    def progress(done: int, total: int) -> None:
        with job.lock:
            job.done, job.total = done, total

    def work() -> None:
        try:
            job.run_id = run_site_checks(
                engine, actor=job.owner, numbers=job.licences, domains=job.domains, progress=progress
            )
            if job.run_id is None:
                job.error = "没有可检查的网站"
        except Exception as exc:  # shown on the job page; the server keeps running
            job.error = f"检查失败：{type(exc).__name__}"
        finally:
            job.finished = True

    threading.Thread(target=work, name=f"vats-check-{job.id}", daemon=True).start()


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
        numbers: tuple[str, ...] = (licence,)
        if domain and all(s.domain.lower() != domain.lower() for s in visible[licence].sites):
            raise InputError("该许可证未登记此网站 / the licence lists no such site", field="domain")
    elif domain:
        raise InputError("请选择许可证 / choose a licence", field="licence")
    else:
        numbers = tuple(sorted(visible))
    if not numbers:
        raise InputError("没有可检查的许可证 / no licence to check", field="licence")
    label = domain or licence or "全部许可证"
    with _GUARD:
        job = Job(next(_IDS), user.name, numbers, (domain,) if domain else None, label)
        _JOBS[job.id] = job
        for old in sorted(_JOBS)[:-MAX_JOBS]:
            _JOBS.pop(old, None)
    _start(request.app.state.engine, job)
    return RedirectResponse(f"/checks/jobs/{job.id}", status_code=303)


@router.get("/checks/jobs/{job_id}")
def check_job(request: Request, job_id: int, user: WebUser) -> Response:
    job = _JOBS.get(job_id)
    if job is None or job.owner != user.name:
        raise NotFoundError("检查任务不存在 / job not found", field="job")
    return render(request, "check_job.html", nav="checks", job=job)
