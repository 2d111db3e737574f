"""`vats report [FILE...] -o OUT [--format html|pdf|xlsx] [--events E] [--as-of DATE] [--explain]`,
or without files `vats report [--db URL] [--org ORG] [--licence N]... -o OUT` for stored licences.

Writes the compliance report (`vats.report.compliance`): a summary of every licence, then per licence
its main page, services, sites, findings, dated obligations and continuing duties, each with its legal
source (or, as .xlsx, the same as three filterable sheets). Licence files are audited with the events
files given; stored licences with the events their registers recorded (a licensing agency's monthly
report to one client: `--org`). The format follows the output's suffix (.pdf, .html, .xlsx) unless
`--format` says otherwise. The file appears whole or not at all. Exit 0 when written (the findings are
in the report; `vats audit` is the command whose exit status gates a pipeline), 2 for unusable input,
5 when PDF output is impossible on this machine (no Pango).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer

from vats.cli.common import parse_date
from vats.cli.db import DB_OPTION
from vats.model.errors import InputError

if TYPE_CHECKING:
    from datetime import date

    from vats.model.obligations import Event
    from vats.rules.audit import LicenceAudit
    from vats.rules.settings import EngineSettings

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
        None,
        metavar="[FILE...]",
        help="许可证文件（文本/PDF/JSON）；省略则读数据库 / licence files (none: the database)",
    ),
    out: Path = typer.Option(..., "--output", "-o", help="输出文件 .pdf / .html / .xlsx / output file"),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="pdf | html | xlsx（默认按后缀 / default: by suffix）"
    ),
    events: list[Path] = typer.Option([], "--events", "-e", help="事件 YAML / events file (repeatable)"),
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期 / assessment date (default today)"),
    settings: Path | None = typer.Option(None, "--settings", help="引擎设置覆盖 YAML / engine overrides"),
    explain: bool = typer.Option(False, "--explain", help="附每项期限的推导过程 / add each derivation"),
    org: str | None = typer.Option(
        None,
        "--org",
        help="数据库中某组织的许可证（名称、编号或信用代码）/ one organisation's stored licences",
    ),
    licence: list[str] = typer.Option(
        [], "--licence", "-l", help="数据库中的许可证号（可多次）/ stored licence"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """合规报告（PDF/HTML/XLSX）/ Write a compliance report for licence files or stored licences."""
    from vats.cli.obligations import load_inputs
    from vats.model.clock import in_beijing, now_utc
    from vats.model.obligations import ObligationStatus
    from vats.report.compliance import ReportFormat, build_report, cjk_fonts_available, render
    from vats.report.files import write_bytes

    chosen = output_format(out, fmt)
    day = parse_date(as_of, field="--as-of")
    event_list, engine_settings = load_inputs(events, settings)
    if files:
        if org or licence or db:
            raise InputError(
                "给出文件时不能再选数据库 / give licence files or --db/--org/--licence, not both",
                field="--org",
            )
        audits = _file_audits(files, event_list, day, engine_settings)
        launch: dict[str, Any] = {}
    else:
        if events:
            raise InputError(
                "数据库模式使用已登记的事件 / stored licences use their recorded events", field="--events"
            )
        audits, launch = _stored_audits(db, org, licence, day, engine_settings)
    report = build_report(
        audits, as_of=day, generated_at=in_beijing(now_utc()), explain=explain, launch=launch
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


def _file_audits(
    files: list[Path], events: list[Event], day: date, settings: EngineSettings | None
) -> list[LicenceAudit]:
    from vats.cli.obligations import load_licences
    from vats.rules.audit import audit_portfolio

    return audit_portfolio(load_licences(files), events, as_of=day, settings=settings)


def _stored_audits(
    db: str | None, org: str | None, numbers: list[str], day: date, settings: EngineSettings | None
) -> tuple[list[LicenceAudit], dict[str, Any]]:
    """The stored licences' audits and the launch-proof findings of their renewal dossiers."""
    from vats.registers.dossiers.daily import launch_findings
    from vats.report.stored import stored_audits
    from vats.store.db import cli_session
    from vats.store.organisations import find_organisation

    with cli_session(db, migrate=False) as session:
        organisation_id = find_organisation(session, org).id if org else None
        audits = stored_audits(
            session, as_of=day, organisation_id=organisation_id, numbers=numbers or None, settings=settings
        )
        launch = launch_findings(session, licences=[a.licence.number for a in audits], today=day)
    if not audits:
        raise InputError(
            "没有可报告的许可证 / no stored licence to report on", field="--org" if org else "--db"
        )
    return audits, dict(launch)
