"""The annual report workpack exported for entry into the online system: XLSX and PDF, in the form's
order, each value beside its source, human-filled boxes and fields that may be withheld from
publication marked, open problems listed. Submitted workpacks export what was filed.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING, Literal

from vats.model.clock import minute_text, now_utc
from vats.model.errors import InputError, UnavailableError
from vats.rules.workpack import display

if TYPE_CHECKING:
    from jinja2 import Environment

    from vats.registers.workpacks.service import Row, WorkpackView

ExportFormat = Literal["xlsx", "pdf", "html"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("xlsx", "pdf", "html")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
HEAD = [
    "表 Table",
    "项目 Field",
    "填报值 Value",
    "来源 Source",
    "人工填写 Human",
    "可不公开 Withheld",
    "问题 Problems",
]


def filename(view: WorkpackView, fmt: ExportFormat) -> str:
    return f"年报{view.workpack.year}-{view.workpack.licence}.{fmt}"


def _row_cells(row: Row) -> list[str]:
    return [
        row.slot.section.title,
        row.slot.label,
        display(row.value),
        row.source,
        "是" if row.human_only else "",
        "是" if not row.slot.field.publish else "",
        "；".join(p.message for p in row.problems),
    ]


def render_xlsx(view: WorkpackView) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "年报 Report"
    w = view.workpack
    ws.append([view.form.title, f"许可证 {w.licence}", view.status_label, view.remaining_label])
    ws.append(
        [
            f"报送期 {view.window.opens} 至 {view.window.due}",
            view.window.label,
            view.window.consequence,
            f"导出时间（北京时间）{minute_text(now_utc())}",
        ]
    )
    ws.append(HEAD)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A4"
    warn = PatternFill("solid", fgColor="FFF2CC")
    for row in view.rows:
        ws.append(_row_cells(row))
        if row.problems:
            for cell in ws[ws.max_row]:
                cell.fill = warn
    for col, width in zip("ABCDEFG", (16, 28, 24, 48, 8, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
        for cell in ws[col]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = f"A3:G{ws.max_row}"
    pledge = wb.create_sheet("承诺书 Pledge")
    pledge.append(["承诺书文字（在线系统中逐字输入）"])
    pledge.append([view.form.pledge.text])
    if view.form.pledge.note:
        pledge.append([view.form.pledge.note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("vats.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["display"] = display
    return env


def render_html(view: WorkpackView) -> str:
    sections: list[tuple[str, list[Row]]] = []
    for row in view.rows:
        title = row.slot.section.title
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(row)
    return (
        environment()
        .get_template("workpack.html")
        .render(view=view, sections=sections, exported=minute_text(now_utc()))
    )


def render_pdf(view: WorkpackView) -> bytes:
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as exc:
        raise UnavailableError(
            "PDF 需要系统的 Pango 库（make system-deps）；可改用 xlsx / PDF needs the Pango library; "
            f"xlsx works without it ({exc})",
            field="format",
        ) from None
    pdf: bytes = HTML(string=render_html(view)).write_pdf()
    return pdf


def render(view: WorkpackView, fmt: str) -> bytes:
    """The workpack in `fmt` (xlsx, pdf or html); another format is an InputError naming it."""
    if fmt == "xlsx":
        return render_xlsx(view)
    if fmt == "pdf":
        return render_pdf(view)
    if fmt == "html":
        return render_html(view).encode("utf-8")
    raise InputError(
        f"格式应为 xlsx、pdf 或 html / format must be xlsx, pdf or html: {fmt!r}", field="format"
    )
