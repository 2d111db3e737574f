"""/api/v1/exports: downloads — obligations as CSV or iCalendar (what the caller can see) and, for
admins, the whole-portfolio backup archive (STORE's export, restorable with `vats import`)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from vats.api import views
from vats.api.deps import MAX_ID, Admin, DbSession, Reader
from vats.api.reports import REPORT_RESPONSES, ExplainParam, ReportFormatParam, report_response
from vats.model.clock import today

router = APIRouter(prefix="/exports", tags=["exports"])
CSV_COLUMNS = ("licence", "rule_id", "subject", "title_zh", "title_en", "status", "due_date", "sources")


@router.get(
    "/obligations.csv",
    summary="Obligations of the visible licences as CSV (UTF-8 with BOM, opens in Excel)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def obligations_csv(session: DbSession, actor: Reader) -> Response:
    from vats.report.cells import csv_text

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for o in views.portfolio(session, actor, as_of=today()).obligations:
        sources = "; ".join(f"{s.label()} [{s.reliability.value}]" for s in o.sources)
        due = o.due_date.isoformat() if o.due_date else ""
        row = (o.licence, o.rule_id, o.subject or "", o.title_zh, o.title_en, o.status.value, due, sources)
        writer.writerow([csv_text(v) for v in row])  # subjects come from register entries
    return Response(
        content="\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vats-obligations.csv"'},
    )


@router.get(
    "/obligations.ics",
    summary="Obligations of the visible licences as iCalendar",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def obligations_ics(session: DbSession, actor: Reader) -> Response:
    from vats.api.calendar import ics_response

    return ics_response(session, actor)


@router.get(
    "/report",
    summary="Compliance report of the visible licences, or of one organisation's (PDF, HTML or XLSX)",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
def portfolio_report(
    request: Request,
    session: DbSession,
    actor: Reader,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="one client only")] = None,
    fmt: ReportFormatParam = "pdf",
    explain: ExplainParam = False,
) -> Response:
    """What a licensing agency sends a client each month: every licence of the organisation, one
    section each, from the same evaluation as the dashboard."""
    as_of = today()
    p = views.portfolio(session, actor, as_of=as_of)
    if organisation_id is not None:
        from vats.model.errors import NotFoundError
        from vats.store.models import Organisation

        actor.check_visible(organisation_id, what="organisation")
        if session.get(Organisation, organisation_id) is None:
            raise NotFoundError(
                f"organisation {organisation_id} not found / 组织不存在", field="organisation_id"
            )
    numbers = [
        lic.number
        for lic in p.licences
        if organisation_id is None or p.organisation_of.get(lic.number) == organisation_id
    ]
    audits = [a for a in map(p.audit_of, numbers) if a is not None]
    name = f"org{organisation_id}" if organisation_id is not None else "portfolio"
    return report_response(
        audits,
        session=session,
        as_of=as_of,
        fmt=fmt,
        explain=explain,
        name=name,
        link_base=str(request.base_url),
    )


@router.get(
    "/portfolio.zip",
    summary="Whole-database backup (every table, audit chain intact; admin only)",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def portfolio_zip(request: Request, actor: Admin) -> FileResponse:
    from vats.store.portfolio import export_portfolio

    workdir = tempfile.TemporaryDirectory()
    path = Path(workdir.name) / "vats-portfolio.zip"
    export_portfolio(request.app.state.engine, path)
    return FileResponse(
        path, media_type="application/zip", filename=path.name, background=BackgroundTask(workdir.cleanup)
    )
