"""`vats report FILE... -o OUT [--format html|pdf|xlsx] [--events E] [--as-of DATE] [--explain]`.

Writes the compliance report (`vats.report.compliance`): a summary of every licence, then per licence
its main page, services, sites, findings, dated obligations and continuing duties, each with its legal
source (or, as .xlsx, the same as three filterable sheets). The format follows the output's suffix
(.pdf, .html, .xlsx) unless `--format` says otherwise. The file
appears whole or not at all. Exit 0 when written (the findings are in the report; `vats audit` is
the command whose exit status gates a pipeline), 2 for unusable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from vats.cli.common import parse_date
from vats.model.errors import InputError

SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def output_format(out: Path, requested: str | None) -> str:
    """The report format: `--format` when given, else the output file's suffix."""
    from vats.report.compliance import FORMATS

    fmt = requested or SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise InputError(
            f"无法从后缀判断格式，请用 --format / cannot tell the format from {out.suffix or 'no suffix'!r}: "
            "use .pdf, .html or .xlsx, or --format",
            field="--output",
        )
    if fmt not in FORMATS:
        raise InputError(f"未知格式 / unknown format {fmt!r} (html, pdf, xlsx)", field="--format")
    return fmt


def report_command(
    files: list[Path] = typer.Argument(
        ..., metavar="FILE...", help="许可证文件（文本/PDF/JSON）/ licence files"
    ),
    out: Path = typer.Option(..., "--output", "-o", help="输出文件 .pdf 或 .html / output file"),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="pdf | html（默认按后缀 / default: by suffix）"
    ),
    events: list[Path] = typer.Option([], "--events", "-e", help="事件 YAML / events file (repeatable)"),
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期 / assessment date (default today)"),
    settings: Path | None = typer.Option(None, "--settings", help="引擎设置覆盖 YAML / engine overrides"),
    explain: bool = typer.Option(False, "--explain", help="附每项期限的推导过程 / add each derivation"),
) -> None:
    """合规报告（PDF/HTML/XLSX）/ Write a compliance report for one or more licences."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from vats.cli.obligations import load_inputs, load_licences
    from vats.model.obligations import ObligationStatus
    from vats.report.compliance import ReportFormat, build_report, cjk_fonts_available, render
    from vats.report.files import write_bytes
    from vats.rules.audit import audit_portfolio

    chosen = output_format(out, fmt)
    day = parse_date(as_of, field="--as-of")
    licences = load_licences(files)
    event_list, engine_settings = load_inputs(events, settings)
    audits = audit_portfolio(licences, event_list, as_of=day, settings=engine_settings)
    report = build_report(
        audits, as_of=day, generated_at=datetime.now(ZoneInfo("Asia/Shanghai")), explain=explain
    )
    if chosen == "pdf" and cjk_fonts_available() is False:
        typer.echo(
            "警告：未找到中文字体，PDF 中的中文将无法显示（Debian: apt install fonts-noto-cjk）/ "
            "warning: no font with Chinese glyphs found; Chinese text will not show in the PDF",
            err=True,
        )
    data = render(report, cast(ReportFormat, chosen))
    try:
        write_bytes(out, data)
    except OSError as exc:
        raise InputError(f"无法写入 / cannot write the report: {exc.strerror}", source=str(out)) from None
    findings = sum(len(s.findings) for s in report.sections)
    overdue = report.statuses[ObligationStatus.OVERDUE]
    typer.echo(
        f"已写入报告：{len(report.sections)} 张许可证，{findings} 个问题，{overdue} 项逾期 → {out} / "
        f"wrote the report ({len(report.sections)} licences, {findings} findings, {overdue} overdue) to {out}"
    )
