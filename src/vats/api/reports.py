"""The compliance report as an HTTP download, shared by the per-licence and the portfolio endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Query
from fastapi.responses import Response

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.rules.audit import LicenceAudit

ReportFormatParam = Annotated[
    Literal["pdf", "html", "xlsx"], Query(alias="format", description="pdf | html | xlsx")
]
ExplainParam = Annotated[bool, Query(description="add each dated obligation's derivation")]
# Licences per downloaded report. Rendering runs in the request: a PDF costs about 0.3 s and 12 MB per
# licence (BENCHMARKS.md), a workbook or page far less; beyond these a caller filters by organisation
# or runs `vats report` offline, instead of tying up a worker for minutes.
MAX_LICENCES = {"pdf": 100, "html": 1000, "xlsx": 2000}
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/pdf": {},
            "text/html": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        }
    }
}


def report_response(
    audits: Sequence[LicenceAudit],
    *,
    session: Session,
    as_of: date,
    fmt: str,
    explain: bool,
    name: str,
    link_base: str = "",
) -> Response:
    """Render the report of `audits` and send it as an attachment `vats-report-NAME-DATE.FMT`, with
    the launch-proof findings of their renewal dossiers (read in the session's scope)."""
    from vats.model.clock import in_beijing, now_utc
    from vats.model.errors import InputError
    from vats.registers.dossiers.daily import launch_findings
    from vats.report.compliance import MEDIA_TYPES, build_report, render

    n, limit = len(audits), MAX_LICENCES[fmt]
    if n > limit:
        raise InputError(
            f"报告过大：{n} 张许可证超过 {fmt} 的上限 {limit}；请按组织筛选或使用 vats report / "
            f"{n} licences exceed the {fmt} limit of {limit}: filter by organisation_id, "
            "use another format, or run `vats report` offline",
            field="organisation_id",
        )
    report = build_report(
        audits,
        as_of=as_of,
        generated_at=in_beijing(now_utc()),
        explain=explain,
        launch=launch_findings(session, licences=[a.licence.number for a in audits], today=as_of),
        link_base=link_base,
    )
    filename = f"vats-report-{name}-{as_of.isoformat()}.{fmt}"
    return Response(
        content=render(report, fmt),  # type: ignore[arg-type]
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
