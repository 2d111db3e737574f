"""后台任务: the jobs page (queued / running / done / failed), one job's progress and what it
produced, retrying a failed job, and starting a compliance report or the year's workpacks for an
organisation. A user sees the jobs of their organisations (and the ones they asked for); an
administrator sees every job. Jobs run in this server on SQLite and in `vats worker` on PostgreSQL;
the page is the same either way."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.api import jobsubmit
from vats.api.deps import DbSession, Principal
from vats.model.clock import today
from vats.model.errors import InputError, NotFoundError, VatsError
from vats.store import background
from vats.web.auth import WebUser, WebWriter
from vats.web.organisations import visible_organisations
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)

REPORT_FORMATS = {"pdf": "PDF", "html": "网页", "xlsx": "Excel 表格"}
FIELD_LABELS = {
    "kind": "任务",
    "organisation_id": "组织",
    "format": "格式",
    "year": "年度",
    "state": "状态",
    "list_kind": "名单类型",
    "file": "名单文件",
}


def _page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    state: str | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    jobs = background.list_jobs(session, principal=user, state=state)
    return render(
        request,
        "jobs.html",
        status_code=status_code,
        nav="jobs",
        jobs=jobs,
        state=state,
        counts=background.count_by_state(session, principal=user),
        states=background.STATE_LABELS,
        kinds=background.KIND_LABELS,
        organisations=visible_organisations(session, user),
        formats=REPORT_FORMATS,
        list_kinds=_list_kinds(),
        year=today().year - 1,
        error=error,
        values=values or {},
    )


@router.get("/jobs")
def jobs_page(request: Request, session: DbSession, user: WebUser, state: str = "") -> Response:
    if state and state not in background.STATE_LABELS:
        raise InputError(f"{FIELD_LABELS['state']}：未知的任务状态", field="state")
    return _page(request, session, user, state=state or None)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, session: DbSession, user: WebUser, review: str = "") -> Response:
    from vats.web.scans import open_review

    job = background.get_job(session, job_id=job_id, principal=user)
    following = review == "1"
    if following and (opened := open_review(session, user, job)) is not None:
        return opened
    return render(
        request,
        "job.html",
        nav="jobs",
        job=job,
        states=background.STATE_LABELS,
        kinds=background.KIND_LABELS,
        following=following,
    )


@router.get("/jobs/{job_id}/file")
def job_file(job_id: int, session: DbSession, user: WebUser) -> Response:
    job = background.get_job(session, job_id=job_id, principal=user)
    data = session.scalar(
        select(background.BackgroundJob.output).where(background.BackgroundJob.id == job.id)
    )
    if data is None or not job.output_name:
        raise NotFoundError("该任务没有生成文件 / the job produced no file", field="job_id")
    return Response(
        content=data,
        media_type=job.output_type or "application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(job.output_name)}"},
    )


@router.post("/jobs/{job_id}/retry")
def job_retry(
    request: Request, job_id: int, session: DbSession, user: WebWriter, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    jobsubmit.retry(session, job_id=job_id, principal=user)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _organisation(session: Session, user: Principal, raw: str) -> int | None:
    """The organisation a report or workpack job covers: one the user may see; blank is every
    organisation, which only an administrator may ask for."""
    from vats.store.models import Organisation

    if not raw.strip():
        if user.organisations is not None:
            raise InputError(f"{FIELD_LABELS['organisation_id']}：请选择组织", field="organisation_id")
        return None
    if not raw.strip().isdigit():
        raise InputError(f"{FIELD_LABELS['organisation_id']}：应为组织编号", field="organisation_id")
    org = int(raw)
    if not user.can_see(org) or session.get(Organisation, org) is None:
        raise NotFoundError(f"{FIELD_LABELS['organisation_id']}：组织不存在", field="organisation_id")
    return org


def _request(session: Session, user: Principal, form: dict[str, str]) -> background.JobRequest:
    kind = form["kind"]
    if kind == "cold_evaluate":
        return _cold_request(user)
    org = _organisation(session, user, form["organisation_id"])
    whom = f"组织 {org}" if org is not None else "全部组织"
    day = today().isoformat()
    if kind == "report":
        fmt = form["format"]
        if fmt not in REPORT_FORMATS:
            raise InputError(f"{FIELD_LABELS['format']}：应为 PDF、网页或 Excel 表格", field="format")
        args: dict[str, Any] = {"format": fmt, "as_of": day}
        return background.JobRequest(
            kind,
            f"report:{org}:{day}:{fmt}",
            user.name,
            f"合规报告 {whom} {day}（{REPORT_FORMATS[fmt]}）",
            org,
            args,
        )
    if kind == "workpacks":
        year = form["year"].strip()
        if not year.isdigit() or not 2000 <= int(year) <= today().year:
            raise InputError(f"{FIELD_LABELS['year']}：应为 2000 至今年之间的年份", field="year")
        return background.JobRequest(
            kind,
            f"workpacks:{org}:{year}:{day}",
            user.name,
            f"{year} 年报工作包 {whom}",
            org,
            {"year": int(year)},
        )
    raise InputError(f"{FIELD_LABELS['kind']}：只能启动合规报告、年报工作包或义务缓存重算", field="kind")


def _cold_request(user: Principal) -> background.JobRequest:
    """Recompute the stale part of the obligation cache in slices (every organisation's licences
    share the cache, so only an administrator asks); a second click the same minute is this job."""
    from vats.model.clock import minute_text, now_utc

    if user.organisations is not None:
        raise InputError(f"{FIELD_LABELS['kind']}：只有管理员可以重算义务缓存", field="kind")
    day = today().isoformat()
    key = f"cold_evaluate:{day}:{minute_text(now_utc())}"
    label = f"{background.KIND_LABELS['cold_evaluate']} {day}"
    return background.JobRequest("cold_evaluate", key, user.name, label, None, {"as_of": day})


@router.post("/jobs")
def job_start(
    request: Request,
    session: DbSession,
    user: WebWriter,
    csrf_token: Csrf = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    format: Annotated[str, Form(max_length=10)] = "pdf",
    year: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    form = {"kind": kind, "organisation_id": organisation_id, "format": format, "year": year}
    try:
        job = jobsubmit.submit(session, _request(session, user, form))
    except NotFoundError:
        raise
    except VatsError as exc:
        message = str(exc.args[0]) if exc.args else exc.describe()
        return _page(request, session, user, error=message, values=form, status_code=400)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _list_kinds() -> dict[str, str]:
    from vats.checks.regulator_lists import LIST_KINDS

    return dict(LIST_KINDS)


async def _list_request(
    session: Session, user: Principal, form: dict[str, str], file: UploadFile
) -> background.JobRequest:
    """A saved regulator list to match, read within the list reader's byte limit and parsed once here
    so a file it cannot read is refused at once, naming the field."""
    from vats.api.sheet import upload_name
    from vats.checks.regulator_lists import MAX_BYTES, read_table
    from vats.model.sm3 import sm3_hex

    org = _organisation(session, user, form["organisation_id"])
    if form["list_kind"] not in _list_kinds():
        raise InputError(f"{FIELD_LABELS['list_kind']}：未知的名单类型", field="list_kind")
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError(f"{FIELD_LABELS['file']}：文件超过 {MAX_BYTES} 字节", field="file")
    if not data:
        raise InputError(f"{FIELD_LABELS['file']}：文件为空", field="file")
    name = upload_name(file)
    try:
        read_table(data, filename=name)
    except InputError as exc:
        raise InputError(
            f"{FIELD_LABELS['file']}：{exc.args[0] if exc.args else exc}", field="file"
        ) from None
    kind = form["list_kind"]
    label = f"{_list_kinds()[kind]} {name} 比对{f' 组织 {org}' if org is not None else ' 全部组织'}"
    key = f"list_match:{org}:{kind}:{sm3_hex(data)}:{today().isoformat()}"
    return background.JobRequest("list_match", key, user.name, label, org, {"list_kind": kind}, (name, data))


@router.post("/jobs/lists")
async def list_match_start(
    request: Request,
    session: DbSession,
    user: WebWriter,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
    list_kind: Annotated[str, Form(max_length=20)] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    form = {"kind": "list_match", "list_kind": list_kind, "organisation_id": organisation_id}
    try:
        job = jobsubmit.submit(session, await _list_request(session, user, form, file))
    except NotFoundError:
        raise
    except VatsError as exc:
        message = str(exc.args[0]) if exc.args else exc.describe()
        return _page(request, session, user, error=message, values=form, status_code=400)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
