"""The web pages: dashboard, licences (list, detail, upload → preview → confirm), obligations,
calendar, site checks and the audit log. Each handler is a thin call into the same services and
read models the REST API uses (`vats.api.views`, `vats.store.*`).
"""

from __future__ import annotations

import base64
import binascii
import calendar as pycal
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from vats.api import views
from vats.api.deps import DbSession, Principal
from vats.api.licences import document_lines, import_document, parse_upload
from vats.api.reports import MAX_LICENCES
from vats.api.settings import PER_PAGE
from vats.model.clock import today
from vats.model.errors import InputError, NotFoundError
from vats.model.licence import SHEET_ROW_MEDIA_TYPE, validity
from vats.model.obligations import Obligation
from vats.report import management
from vats.rules.horizon import renewal_days_before
from vats.web.auth import WebAuditor, WebUser, WebWriter
from vats.web.i18n import WEEKDAYS
from vats.web.organisations import visible_organisations
from vats.web.query import month_start
from vats.web.scans import stored_scan
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render

router = APIRouter(include_in_schema=False)


def _query(request: Request):  # type: ignore[no-untyped-def]
    """`query(page=2)`: the current query string with some parameters replaced (for pager links)."""

    def build(**changes: Any) -> str:
        params = dict(request.query_params)
        params.update({k: str(v) for k, v in changes.items()})
        return urlencode(params)

    return build


def _offset(page: int) -> int:
    return (max(page, 1) - 1) * PER_PAGE


def _page(items: Sequence[Any], page: int) -> list[Any]:
    start = _offset(page)
    return list(items[start : start + PER_PAGE])


@router.get("/")
def dashboard_page(request: Request, user: WebUser, session: DbSession) -> Response:
    as_of = today()
    numbers = views.dashboard(session, user, as_of=as_of)
    return render(
        request,
        "dashboard.html",
        nav="dashboard",
        d=numbers,
        as_of=as_of,
        licences=[_expiry_line(lic, as_of) for lic in numbers.soonest_expiry],
        more_licences=numbers.licences > len(numbers.soonest_expiry),
        expired=[_expiry_line(lic, as_of) for lic in numbers.expired_licences],
        obligations=numbers.urgent,
        unverified=numbers.unverified,
    )


def _expiry_line(lic: Any, as_of: date) -> dict[str, Any]:
    """A dashboard expiry line (`store.status.LicenceLine`) as the licence tables show it."""
    return {
        "number": lic.number,
        "company": lic.company,
        "expiry_date": lic.expiry_date,
        "validity": validity(lic.expiry_date, as_of, expiring_within=renewal_days_before()),
    }


def _summary(lic: Any, as_of: date) -> dict[str, Any]:
    return {
        "number": lic.number,
        "company": lic.company,
        "issue_date": lic.issue_date,
        "expiry_date": lic.expiry_date,
        "validity": validity(lic.expiry_date, as_of, expiring_within=renewal_days_before()),
    }


@router.get("/licences")
def licences_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    q: str | None = None,
    validity: str | None = None,
    region: str | None = None,
    service: str | None = None,
    page: int = 1,
) -> Response:
    from vats.store.licence_filters import LicenceFilters, count_query, licence_page
    from vats.store.listing import Page

    as_of = today()
    typed = {"q": q, "validity": validity, "region": region, "service": service}
    rows: list[dict[str, Any]] = []
    total, error = 0, None
    try:
        filters = LicenceFilters(
            q=q or None, validity=validity or None, region=region or None, service=service or None
        )
    except InputError as exc:  # the form comes back as typed, with what was wrong
        error = exc.describe()
    else:
        found = licence_page(session, filters=filters, as_of=as_of, page=Page(max(page, 1), PER_PAGE))
        rows, total = [_summary(r, as_of) for r in found], found.total
    visible = session.scalar(count_query(session, filters=LicenceFilters(), as_of=as_of)) or 0
    return render(
        request,
        "licences.html",
        status_code=400 if error else 200,
        nav="licences",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        query=_query(request),
        filters=typed,
        error=error,
        report_formats=[f for f in ("xlsx", "pdf", "html") if visible <= MAX_LICENCES[f]],
    )


@router.get("/licences/upload")
def upload_form(request: Request, user: WebWriter, session: DbSession) -> Response:
    return render(
        request, "upload.html", nav="licences", organisations=visible_organisations(session, user), error=None
    )


@router.post("/licences/upload")
async def upload(
    request: Request,
    user: WebWriter,
    session: DbSession,
    document: Annotated[list[UploadFile], File()],
    csrf_token: Csrf = "",
    organisation_id: Annotated[str, Form()] = "",
) -> Response:
    from vats.api.scans import read_uploads
    from vats.web.scans import is_scan_upload, stage_and_review

    check_csrf(request, csrf_token)
    files = await read_uploads(document)
    if not files:
        raise InputError("请选择文件 / choose a file", field="document")
    if is_scan_upload(files):
        try:
            return stage_and_review(request, session, user, files, organisation_id)
        except InputError as exc:
            session.rollback()
            return _upload_error(request, session, user, exc)
    raw, filename = files[0]
    return _preview(request, session, user, raw, filename or "upload.txt", organisation_id)


def _upload_error(request: Request, session: Any, user: Principal, exc: InputError) -> Response:
    return render(
        request,
        "upload.html",
        status_code=400,
        nav="licences",
        organisations=visible_organisations(session, user),
        error=exc.describe(),
    )


def _preview(
    request: Request, session: Any, user: Principal, raw: bytes, filename: str, organisation_id: str
) -> Response:
    from vats.rules.audit import audit_licence

    try:
        licence = parse_upload(raw, filename)
    except InputError as exc:
        return _upload_error(request, session, user, exc)
    return render(
        request,
        "preview.html",
        nav="licences",
        licence=licence,
        findings=audit_licence(licence, as_of=today()),
        document_lines=document_lines(raw),
        document_b64=base64.b64encode(raw).decode("ascii"),
        filename=filename,
        organisation_id=organisation_id,
    )


@router.post("/licences/confirm")
def confirm(
    request: Request,
    user: WebWriter,
    session: DbSession,
    document: Annotated[str, Form()],
    filename: Annotated[str, Form()] = "upload.txt",
    organisation_id: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        raw = base64.b64decode(document, validate=True)
    except binascii.Error:
        raise InputError("document field is not base64", field="document") from None
    org = int(organisation_id) if organisation_id.strip().isdigit() else None
    record = import_document(session, user, raw, filename, org)
    return RedirectResponse(f"/licences/{quote(record.number)}", status_code=303)


@router.get("/licences/{number}")
def licence_page(request: Request, number: str, user: WebUser, session: DbSession) -> Response:
    from vats.registers.dossiers.daily import launch_findings
    from vats.store.app_filings import app_filing_report
    from vats.store.licences import require_licence, revision, revisions

    record = require_licence(session, number=number)
    user.check_visible(record.organisation_id, what="licence")
    as_of = today()
    audit = views.licence_audit(session, record.number, as_of=as_of)
    if audit is None:
        raise NotFoundError(f"licence {number} not found / 未找到许可证")
    history = revisions(session, number=record.number)
    current = revision(session, f"{record.number}@{record.current_revision}") if history else None
    raw = current.content if current is not None and current.media_type != SHEET_ROW_MEDIA_TYPE else None
    scan = stored_scan(request, session, current.id) if current is not None else None
    return render(
        request,
        "licence.html",
        nav="licences",
        licence=audit.licence,
        validity=validity(audit.licence.expiry_date, as_of, expiring_within=renewal_days_before()),
        findings=audit.findings,
        actions=finding_actions(audit.findings, audit.obligations),
        launch=launch_findings(session, licences=[record.number], today=as_of).get(record.number, ()),
        sites=_site_states(session, audit.licence, as_of),
        obligations=audit.obligations,
        unverified=frozenset({record.number}) if audit.licence.from_sheet else frozenset(),
        revisions=history,
        document_lines=document_lines(raw) if raw and scan is None else [],
        app_filings=app_filing_report(session, licence=record.number),
        organisation_id=record.organisation_id,
        scan=scan,
    )


def _site_states(session: Any, licence: Any, as_of: date) -> list[Any]:
    from vats.web.site_states import site_states

    return site_states(session, [licence], as_of=as_of)


def finding_actions(findings: Sequence[Any], obligations: Sequence[Any]) -> list[str | None]:
    """For each finding about an obligation, the id of the obligation page whose form resolves it."""
    from vats.model.obligation_ids import obligation_id

    by_key = {(o.rule_id, o.subject): o for o in obligations if o.due_date is not None}
    out: list[str | None] = []
    for f in findings:
        parts = f.id.split(".", 2)
        found = (
            by_key.get((parts[2], f.subject)) if f.id.startswith("obligation.") and len(parts) == 3 else None
        )
        out.append(None if found is None else obligation_id(found))
    return out


@router.get("/obligations")
def obligations_page(
    request: Request,
    user: WebUser,
    session: DbSession,
    status: str | None = None,
    licence: str | None = None,
    organisation: str | None = None,
    owner: str | None = None,
    rule: str | None = None,
    view: str = "dated",
    due_from: str | None = None,
    due_to: str | None = None,
    due_within: int | None = None,
    timeliness: str | None = None,
    overdue_on: str | None = None,
    page: int = 1,
) -> Response:
    """Dated obligations (or the control list of standing duties), most urgent first, filtered by
    organisation, licence, owner, status and rule; each row links to its obligation page.

    The management view links here: `status=open`, `timeliness` (on time / late / missed),
    `overdue_on` (overdue at the end of a day), `owner=-` (no owner) and `organisation=none` apply
    the very predicates its figures count with (`vats.report.management`)."""
    from vats.api import workspace
    from vats.api.obligation_pages import WORK_RANK, list_order, obligation_page
    from vats.model.obligation_ids import WORK_LABELS, WorkStatus, engine_status
    from vats.reference.rules_library import default_library
    from vats.rules.controls import control_row, is_control
    from vats.store.models import Organisation

    as_of = today()
    chosen = WorkStatus(status) if status and status in WorkStatus._value2member_map_ else None
    if status == "satisfied":
        chosen = WorkStatus.DONE
    f = views.ObligationFilter(
        status=engine_status(chosen) if chosen else None,
        licence=licence or None,
        rule=rule or None,
        due_from=_date(due_from, "due_from") or (as_of if due_within is not None else None),
        due_to=_date(due_to, "due_to")
        or (as_of + timedelta(days=due_within) if due_within is not None else None),
    )
    org_id = int(organisation) if organisation and organisation.isdigit() else None
    controls = view == "controls"
    kind = None if view == "all" else controls  # the dashboard's counts link to every one (view=all)
    if (
        org_id is None
        and organisation != "none"
        and not (owner or timeliness or overdue_on or status == "open")
    ):
        found = obligation_page(
            session, user, f, as_of=as_of, rank=WORK_RANK, control=kind, offset=_offset(page), limit=PER_PAGE
        )
        total, shown = found.total, workspace.rows_of(session, found.organisation_of, found.items)
        unverified = found.unverified
    else:  # the management view's filters: over the evaluated portfolio
        p = views.portfolio(session, user, as_of=as_of)
        items = list(views.obligations_matching(p, f))
        if org_id is not None:
            items = [o for o in items if p.organisation_of.get(o.licence) == org_id]
        elif organisation == "none":
            items = [o for o in items if p.organisation_of.get(o.licence) is None]
        items = management_filter(
            items, status=status, timeliness=timeliness, overdue_on=overdue_on, as_of=as_of
        )
        if kind is not None:
            items = [o for o in items if is_control(o) == kind]
        items.sort(key=list_order(WORK_RANK))
        unverified = p.unverified
        if owner:
            wanted = None if owner == management.UNASSIGNED else owner
            rows = [r for r in workspace.rows(session, p, items) if r.owner == wanted]
            total, shown = len(rows), _page(rows, page)
        else:
            total, shown = len(items), workspace.rows(session, p, _page(items, page))
    orgs = [
        (o.id, o.name)
        for o in session.scalars(select(Organisation).order_by(Organisation.name))
        if user.can_see(o.id)
    ]
    return render(
        request,
        "obligations.html",
        nav="obligations",
        rows=shown,
        controls={r.target.id: control_row(r.target.obligation) for r in shown} if controls else {},
        unverified=unverified,
        total=total,
        page=page,
        per_page=PER_PAGE,
        query=_query(request),
        filters=f,
        chosen=chosen.value if chosen else ("open" if status == "open" else ""),
        view="controls" if controls else "all" if view == "all" else "dated",
        organisation=org_id if org_id is not None else ("none" if organisation == "none" else None),
        owner=owner or "",
        organisations=orgs,
        rules=[
            (r.id, r.title.zh)
            for r in default_library().rules
            if view == "all" or (r.kind.value == "continuous") == controls
        ],
        statuses=[("open", "待办（全部未完成）")] + [(s.value, WORK_LABELS[s]) for s in WorkStatus],
        timeliness=timeliness or "",
        overdue_on=overdue_on or "",
    )


def management_filter(
    items: list[Obligation],
    *,
    status: str | None,
    timeliness: str | None,
    overdue_on: str | None,
    as_of: date,
) -> list[Obligation]:
    """The list filters the management view's figures link with (see `vats.report.management`)."""
    if status == "open":
        items = [o for o in items if o.status in management.OPEN]
    if timeliness:
        if timeliness not in management.TIMELINESS_FILTERS:
            choices = ", ".join(management.TIMELINESS_FILTERS)
            raise InputError(f"参数 timeliness 无效 / must be one of {choices}", field="timeliness")
        items = [o for o in items if management.matches_timeliness(o, timeliness, as_of=as_of)]
    day = _date(overdue_on, "overdue_on")
    if day is not None:
        items = [o for o in items if management.overdue_on(o, day)]
    return items


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not an ISO date: {text!r}", field=field) from None


@router.get("/calendar")
def calendar_page(request: Request, user: WebUser, session: DbSession, month: str | None = None) -> Response:
    as_of = today()
    first = month_start(month) if month else as_of.replace(day=1)
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    days = [d for week in weeks for d in week]
    portfolio = views.portfolio(session, user, as_of=as_of)
    obligations = [
        o for o in portfolio.obligations if o.due_date is not None and days[0] <= o.due_date <= days[-1]
    ]
    by_day: dict[date, list[Any]] = defaultdict(list)
    for ob in obligations:
        by_day[ob.due_date].append(ob)  # type: ignore[index]
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first + timedelta(days=32)).strftime("%Y-%m")
    return render(
        request,
        "calendar.html",
        nav="calendar",
        month=first,
        days=days,
        by_day=by_day,
        today=as_of,
        weekdays=WEEKDAYS,
        prev_month=prev_month,
        next_month=next_month,
        obligations=[o for o in obligations if o.due_date and o.due_date.month == first.month],
        unverified=portfolio.unverified,
    )


@router.get("/calendar.ics")
def calendar_download(user: WebUser, session: DbSession) -> Response:
    from vats.api.calendar import ics_response

    return ics_response(session, user)


@router.get("/checks")
def checks_page(request: Request, user: WebUser, session: DbSession, failing: int = 0) -> Response:
    from vats.api import sitechecks
    from vats.store.listing import Page
    from vats.web.site_states import site_states

    runs = [] if failing else sitechecks.runs(session, user, page=Page(1, 20)).items
    p = views.portfolio(session, user, as_of=today())
    states = site_states(session, list(p.licences), as_of=today())
    return render(
        request,
        "checks.html",
        nav="checks",
        failures=sitechecks.failures(session, user),
        runs=runs,
        states=states,
        never=sum(1 for s in states if s.state == "never"),
    )


@router.get("/checks/results/{result_id}")
def check_result_page(request: Request, result_id: int, user: WebUser, session: DbSession) -> Response:
    from vats.api.sitechecks import result

    found = result(session, user, result_id=result_id)
    return render(request, "check_result.html", nav="checks", r=found)


@router.get("/auditlog")
def auditlog_page(request: Request, user: WebAuditor, session: DbSession, page: int = 1) -> Response:
    entries, total = _audit_entries(session, user, page)
    return render(
        request,
        "auditlog.html",
        nav="auditlog",
        entries=entries,
        total=total,
        page=page,
        per_page=PER_PAGE,
        query=_query(request),
        verify=None,
    )


def _audit_entries(session: Any, user: Principal, page: int) -> tuple[list[Any], int]:
    from sqlalchemy import select

    from vats.store.auditlog import AuditEntry, readable
    from vats.store.listing import Page, paginate

    query = readable(select(AuditEntry), user.organisations).order_by(AuditEntry.id.desc())
    result = paginate(session, query, page=Page(max(page, 1), PER_PAGE))
    return result.items, result.total


@router.post("/auditlog/verify")
def auditlog_verify(
    request: Request, user: WebAuditor, session: DbSession, csrf_token: Csrf = ""
) -> Response:
    from vats.store.auditlog import verify

    check_csrf(request, csrf_token)
    result = verify(session)
    entries, total = _audit_entries(session, user, 1)
    return render(
        request,
        "auditlog.html",
        nav="auditlog",
        entries=entries,
        total=total,
        page=1,
        per_page=PER_PAGE,
        query=_query(request),
        verify={"ok": result.ok, "summary": result.describe()},
    )


@router.get("/licences/{number}/diff")
def licence_diff_page(
    request: Request, number: str, a: int, b: int, user: WebUser, session: DbSession
) -> Response:
    from vats.api.licences import revision_diff

    return render(
        request,
        "diff.html",
        nav="licences",
        number=number,
        a=a,
        b=b,
        d=revision_diff(session, user, number, a, b),
    )
