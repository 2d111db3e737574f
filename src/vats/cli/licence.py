"""`vats licence import|import-sheet|export-sheet|list|show|diff`: stored licences and their revisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from vats.cli.common import OutputFormat, print_json
from vats.cli.db import DB_OPTION

app = typer.Typer(
    help="许可证档案 / Stored licences, revisions and diffs", no_args_is_help=True, add_completion=False
)


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., help="许可证文件 / licence documents (text, PDF, scan, OFD)"),
    org: str | None = typer.Option(None, "--org", help="组织（名称、编号或信用代码）/ organisation"),
    separate: bool = typer.Option(
        False, "--separate", help="多个扫描文件各为一份许可证 / each scan file is a licence of its own"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """导入许可证（每份文件存为一次修订；多个扫描页为同一许可证）/ Import licence documents.

    Text, PDF-with-text and OFD files are each a licence revision of their own. Several scans or
    photos given together (`p1.jpg p2.jpg`) are the pages of one licence, stored with their
    original files, unless `--separate` is given."""
    from vats.ingest.document import needs_ocr, parse_licence_bytes, read_bounded
    from vats.store.db import cli_session
    from vats.store.licences import import_licence
    from vats.store.organisations import find_organisation
    from vats.store.scans import import_scan

    blobs = [(path, read_bounded(path)) for path in files]
    scans = [needs_ocr(data, source_name=str(path)) for path, data in blobs]
    together = len(blobs) > 1 and all(scans) and not separate
    groups = (
        [(blobs, True)] if together else [([blob], scan) for blob, scan in zip(blobs, scans, strict=True)]
    )
    parsed: list[tuple[Path, bytes, Any, list[Any] | None]] = []  # all validated before any write
    for group, scan in groups:
        path, data = group[0]
        if scan:
            parsed.append((path, data, *_read_scan(group)))
        else:
            parsed.append((path, data, parse_licence_bytes(data, source_name=str(path)), None))
    lines: list[str] = []  # printed only once the transaction has committed
    with cli_session(db) as session:
        org_id = find_organisation(session, org).id if org else None
        for path, data, lic, scan_files in parsed:
            before = session.scalar(_revision_count(lic.number))
            if scan_files is not None:
                record, _ = import_scan(session, licence=lic, files=scan_files, organisation_id=org_id)
            else:
                record = import_licence(
                    session, data=data, licence=lic, source_name=path.name, organisation_id=org_id
                )
            state = (
                "未变化 / unchanged"
                if before == record.current_revision
                else f"修订 / revision {record.current_revision}"
            )
            lines.append(f"{record.number}  {record.company}  {state}\n")
    sys.stdout.write("".join(lines))


def _read_scan(group: list[tuple[Path, bytes]]) -> tuple[Any, list[Any]]:
    """One licence from scan files, read in the bounded child, with the files to keep."""
    from vats.ingest.scan.isolated import read_isolated
    from vats.store.scans import scan_inputs

    files = [(data, path.name) for path, data in group]
    scan = read_isolated(files)
    return scan.licence, scan_inputs(files, scan.previews)


@app.command("import-sheet")
def import_sheet_command(
    file: Path = typer.Argument(..., help="表格 / spreadsheet (.xlsx or .csv in UTF-8, UTF-8 BOM, GB18030)"),
    org: str | None = typer.Option(
        None, "--org", help="全部行归入此组织（名称、编号或信用代码）/ file every row under this organisation"
    ),
    mapping: list[str] = typer.Option(
        [], "--map", help="列映射 / column mapping 列名=字段 (repeatable; 字段 - ignores a column)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验，不写入 / validate only"),
    errors: Path | None = typer.Option(None, "--errors", help="问题报告 / write the problems as XLSX"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """从表格导入许可证（有效行一次导入，其余列入报告）/ Import licences from a spreadsheet.

    Exit 0 when every row was valid, 1 when some rows were refused (see --errors), 2 when the sheet
    itself cannot be used (nothing is imported then)."""
    from vats.ingest.sheet import DEFAULT_LIMITS, parse_overrides
    from vats.model.errors import InputError
    from vats.store.db import cli_session
    from vats.store.organisations import find_organisation
    from vats.store.sheet import import_sheet, preview_sheet

    overrides = parse_overrides(mapping)
    try:
        if file.stat().st_size > DEFAULT_LIMITS.max_bytes:
            raise InputError(
                f"文件过大 / larger than {DEFAULT_LIMITS.max_bytes} bytes", source=str(file), field="file"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 / cannot read: {exc.strerror}", source=str(file), field="file") from None
    with cli_session(db) as session:
        org_id = find_organisation(session, org).id if org else None
        run = preview_sheet if dry_run else import_sheet
        summary = run(session, data=data, name=file.name, overrides=overrides, organisation_id=org_id)
        if dry_run:
            session.rollback()
    if errors is not None:
        from vats.report.files import write_bytes
        from vats.report.sheet import error_report_xlsx

        write_bytes(errors, error_report_xlsx(summary.problems, truncated=summary.problems_truncated))
    _print_summary(summary, fmt)
    if summary.errors:
        raise typer.Exit(1)


def _print_summary(summary: Any, fmt: OutputFormat) -> None:
    from vats.model.serialise import to_jsonable

    body = {
        "file": summary.source.name,
        "encoding": summary.source.encoding,
        "columns": summary.columns.as_dict(),
        "notices": summary.notices,
        "rows": summary.rows,
        "valid_rows": summary.valid_rows,
        "licences": summary.licences,
        "imported": summary.imported,
        "dry_run": summary.dry_run,
        "new_organisations": summary.new_organisations,
        "new_organisation_count": summary.new_organisation_count,
        "inventory_added": summary.inventory_added,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "problems": to_jsonable(summary.problems),
    }
    if fmt is OutputFormat.JSON:
        print_json(body)
        return
    out = sys.stdout.write
    out(f"列映射 / columns: {', '.join(f'{h}={f}' for h, f in body['columns'].items())}\n")
    for notice in summary.notices:
        out(f"注意 / notice: {notice}\n")
    for p in summary.problems:
        level = "错误 / error" if p.severity == "error" else "警告 / warning"
        out(f"第 {p.row} 行 / row {p.row}  [{p.column or '-'}]  {level}: {p.message}\n")
    if summary.problems_truncated:
        out("… 问题过多，未全部列出 / more problems than listed\n")
    verb = "可导入 / importable" if summary.dry_run else "已导入 / imported"
    count = summary.licences if summary.dry_run else summary.imported
    out(
        f"{summary.rows} 行 / rows, {summary.valid_rows} 有效 / valid, {summary.errors} 错误 / errors, "
        f"{summary.warnings} 警告 / warnings; {verb} {count} 许可证 / licences"
        f"{'（未写入 / dry run）' if summary.dry_run else ''}\n"
    )
    if summary.new_organisation_count:
        out(f"新组织 / new organisations: {summary.new_organisation_count}\n")


@app.command("export-sheet")
def export_sheet_command(
    output: Path = typer.Option(..., "-o", "--output", help="输出 / output .xlsx"),
    db: str | None = DB_OPTION,
) -> None:
    """按导入表格的格式导出许可证 / Export the portfolio in the import-sheet shape (XLSX)."""
    from vats.report.sheet import export_sheet
    from vats.store.db import cli_session

    with cli_session(db) as session:
        count = export_sheet(session, path=output)
    sys.stdout.write(f"{count} 许可证 / licences -> {output}\n")


def _revision_count(number: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from vats.store.models import LicenceRecord

    return select(LicenceRecord.current_revision).where(LicenceRecord.number == number)


@app.command("list")
def list_command(
    q: str | None = typer.Option(None, "--q", help="编号或公司包含 / number or company contains"),
    validity: str | None = typer.Option(
        None, "--validity", help="有效性 / valid | expiring | expired | unknown"
    ),
    organisation_id: int | None = typer.Option(None, "--organisation-id", help="组织 / organisation id"),
    region: str | None = typer.Option(None, "--region", help="地区 / region code (BJ) or 京"),
    service: str | None = typer.Option(None, "--service", help="业务代码 / service code, e.g. B25"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """列出许可证 / List stored licences."""
    from vats.model.clock import today
    from vats.store.db import cli_session
    from vats.store.licence_filters import LicenceFilters, licence_page

    filters = LicenceFilters(
        q=q, validity=validity, organisation_id=organisation_id, region=region, service=service
    )
    with cli_session(db) as session:
        rows = [
            {
                "number": r.number,
                "company": r.company,
                "issue_date": r.issue_date,
                "expiry_date": r.expiry_date,
                "revision": r.current_revision,
            }
            for r in licence_page(session, filters=filters, as_of=today(), page=None)
        ]
    if fmt is OutputFormat.JSON:
        print_json(rows)
        return
    for r in rows:
        sys.stdout.write(
            f"{r['number']}  {r['company']}  有效期至 / expires {r['expiry_date'] or '?'}  r{r['revision']}\n"
        )


@app.command("show")
def show_command(
    number: str = typer.Argument(..., help="许可证号 / licence number (NUMBER or NUMBER@N)"),
    fmt: OutputFormat = typer.Option(OutputFormat.JSON, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """显示许可证（当前或指定修订）/ Show a stored licence (current or a given revision)."""
    from vats.store.db import cli_session
    from vats.store.licences import get_licence, revision, revisions

    with cli_session(db) as session:
        rev = revision(session, number)
        history = [
            {
                "revision": r.revision,
                "id": r.id,
                "sm3": r.sm3,
                "source": r.source_name,
                "imported_at": r.imported_at,
            }
            for r in revisions(session, licence_id=rev.licence_id)
        ]
        data = rev.data
        stored = get_licence(session, number=str(data["number"]))
        first = stored.first_issued if stored is not None else None
    if fmt is OutputFormat.JSON:
        print_json({"licence": data, "revision": rev.revision, "revisions": history, "first_issued": first})
        return
    if first is not None:
        sys.stdout.write(f"首次取得 / first issued {first}（用户登记 / set by the user）\n")
    sys.stdout.write(f"{data['number']}  {data['company']}\n")
    sys.stdout.write(
        f"发证 / issued {data.get('issue_date')}  有效期至 / expires {data.get('expiry_date')}\n"
    )
    for s in data.get("services") or ():
        sys.stdout.write(f"  {s['code']} {s['name']}  {', '.join(s.get('coverage') or ())}\n")
    sys.stdout.write(f"网站 / sites: {len(data.get('sites') or ())}\n修订 / revisions:\n")
    for h in history:
        sys.stdout.write(
            f"  r{h['revision']} (#{h['id']}) sm3:{h['sm3']} {h['source'] or ''} {h['imported_at']}\n"
        )


@app.command("diff")
def diff_command(
    a: str = typer.Argument(..., help="修订 A / revision id or NUMBER@N"),
    b: str = typer.Argument(..., help="修订 B / revision id or NUMBER@N"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """比较两次修订 / Show what changed between two revisions (sites, dates, scope)."""
    from vats.store.db import cli_session
    from vats.store.diff import diff_licences, render_diff
    from vats.store.licences import revision

    with cli_session(db) as session:
        ra, rb = revision(session, a), revision(session, b)
        result = diff_licences(ra.data, rb.data)
    if fmt is OutputFormat.JSON:
        print_json(result)
        return
    sys.stdout.write(render_diff(result, a_label=a, b_label=b) + "\n")


@app.command("first-issued")
def first_issued_command(
    number: str = typer.Argument(..., help="许可证号 / licence number"),
    day: str = typer.Argument(
        ..., metavar="DATE", help="首次取得日期 / first-issue date (YYYY-MM-DD, or 'clear')"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """登记首次取得日期（优先于编号年份推断）/ Set when the licence was first obtained.

    The date wins over the year read from the number when deciding which annual reports are owed."""
    from vats.cli.common import parse_date
    from vats.store.db import cli_session
    from vats.store.licences import set_first_issued

    value = None if day.strip().lower() == "clear" else parse_date(day, field="DATE", default_today=False)
    with cli_session(db) as session:
        record = set_first_issued(session, number=number, first_issued=value)
        shown = record.first_issued.isoformat() if record.first_issued else "未登记 / cleared"
        sys.stdout.write(f"{record.number} 首次取得日期 / first issued: {shown}\n")
