"""The compliance report as a workbook: the spreadsheet compliance teams keep, filled in by the engine.

Three sheets, each a plain table with a frozen bilingual header row and an autofilter, so it sorts and
filters in Excel or WPS as teams are used to:

  概览 Summary      one row per licence: expiry, validity, verdict, findings per severity, overdue, due soon
  义务 Obligations  one row per obligation (dated first, then continuing duties): due date as a real date
                    cell, status, title, subject, window start, completion, sources with reliability,
                    the evidence that satisfies it, provisional and conditional notes
  问题 Findings     one row per finding: severity, message, sources, source-document lines; a launch-proof
                    finding names the renewal dossier that holds its proof

Dates are date cells (not text) so deadlines sort and conditional formatting works; overdue rows are
tinted. openpyxl (already used for register exports) writes the file; nothing is recalculated on open.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vats.model.findings import Severity
from vats.model.obligations import Obligation, ObligationStatus
from vats.model.sources import SourceRef
from vats.rules.explain import STATUS_TEXT

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from vats.report.compliance import ComplianceReport

SUMMARY_HEAD = [
    "许可证编号 Licence",
    "公司 Company",
    "有效期至 Expires",
    "有效性 Validity",
    "结论 Verdict",
    *(f"{s.zh} {s.value}" for s in Severity),
    "逾期义务 Overdue",
    "即将到期 Due soon",
]
OBLIGATION_HEAD = [
    "许可证编号 Licence",
    "期限 Due",
    "状态 Status",
    "义务 Obligation",
    "Obligation (en)",
    "对象 Subject",
    "起算 Window start",
    "完成 Completed",
    "逾期完成 Late",
    "依据 Sources",
    "所需证据 Evidence",
    "备注 Notes",
    "规则 Rule",
]
FINDING_HEAD = [
    "许可证编号 Licence",
    "级别 Severity",
    "问题 Finding",
    "Finding (en)",
    "依据 Sources",
    "原文行 Lines",
    "编号 ID",
    "申请材料包 Dossier",
]
OVERDUE_FILL = "FDE2E2"
DUE_SOON_FILL = "FEF3C7"


def render_xlsx(report: ComplianceReport) -> bytes:
    """The workbook's bytes (.xlsx)."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has one sheet
    summary.title = "概览 Summary"
    _table(summary, SUMMARY_HEAD, [_summary_row(s) for s in report.sections], widths=[18, 30, 12, 14, 10])
    obligations = book.create_sheet("义务 Obligations")
    rows, fills = [], []
    for s in report.sections:
        for o in (*s.dated, *s.continuing):
            rows.append(_obligation_row(o))
            fills.append(_fill_of(o.status))
    widths = [18, 12, 14, 36, 36, 22, 12, 12, 8, 48, 28, 36, 28]
    _table(obligations, OBLIGATION_HEAD, rows, widths=widths, fills=fills)
    findings = book.create_sheet("问题 Findings")
    rows = [_finding_row(s.licence.number, f) for s in report.sections for f in s.findings]
    rows += [
        [*_finding_row(s.licence.number, lf.finding)[:-1], f"{report.link_base}{lf.href}"]
        for s in report.sections
        for lf in s.launch
    ]
    _table(findings, FINDING_HEAD, rows, widths=[18, 12, 60, 60, 48, 10, 36, 36])
    book.properties.title = f"增值电信业务合规报告 / VATS compliance report {report.as_of.isoformat()}"
    book.properties.creator = "vats"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_row(s: Any) -> list[Any]:
    from vats.report.labels import validity_text

    return [
        s.licence.number,
        s.licence.company,
        s.licence.expiry_date,
        " ".join(validity_text()[s.validity]),
        "通过 pass" if s.passed else "需处理 action needed",
        *(s.severities[sev] for sev in Severity),
        s.statuses[ObligationStatus.OVERDUE],
        s.statuses[ObligationStatus.DUE_SOON],
    ]


def _obligation_row(o: Obligation) -> list[Any]:
    notes = []
    if o.conditional:
        notes.append(o.conditional)
    if o.provisional:
        notes.append(f"暂定 provisional: {o.provisional_reason or ''}".strip())
    return [
        o.licence,
        o.due_date,
        " ".join(STATUS_TEXT[o.status]),
        o.title_zh,
        o.title_en,
        o.subject or "",
        o.window_start,
        o.completed_on,
        "是 yes" if o.late else "",
        _sources(o.sources),
        o.evidence_required or "",
        "\n".join(notes),
        o.rule_id,
    ]


def _finding_row(number: str, f: Any) -> list[Any]:
    lines = sorted({e.line for e in f.evidence if e.line is not None})
    return [
        number,
        f"{f.severity.zh} {f.severity.value}",
        f.message_zh,
        f.message_en,
        _sources(f.sources),
        ", ".join(str(n) for n in lines),
        f.id,
        "",
    ]


def _sources(refs: Sequence[SourceRef]) -> str:
    from vats.report.labels import source_labels

    return "\n".join(source_labels(refs))


def _fill_of(status: ObligationStatus) -> str | None:
    if status is ObligationStatus.OVERDUE:
        return OVERDUE_FILL
    if status is ObligationStatus.DUE_SOON:
        return DUE_SOON_FILL
    return None


def _table(
    sheet: Worksheet,
    head: list[str],
    rows: list[list[Any]],
    *,
    widths: list[int],
    fills: list[str | None] | None = None,
) -> None:
    """Header row (bold, frozen, filterable), the rows (tinted where `fills` says), widths, date formats.

    Everything is styled in one pass over the rows: openpyxl's `sheet[row]` measures the whole sheet
    on every call, so styling row by row afterwards costs time quadratic in the rows (35 s instead of
    under 2 s at 1,000 licences)."""
    from datetime import date

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from vats.report.cells import xlsx_cell

    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    tints: dict[str, PatternFill] = {}
    for index, row_cells in enumerate(sheet.iter_rows(min_row=2)):
        colour = fills[index] if fills else None
        tint = tints.setdefault(colour, PatternFill("solid", fgColor=colour)) if colour else None
        for cell in row_cells:
            if tint is not None:
                cell.fill = tint
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, len(rows) + 1)}"
