"""`vats licence import|list|show|diff|revisions`: stored licences and their document revisions."""

from __future__ import annotations

import sys
from pathlib import Path

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
    db: str | None = DB_OPTION,
) -> None:
    """导入许可证（每份文件存为一次修订）/ Import licence documents, each kept as a revision."""
    from vats.ingest.document import read_licence
    from vats.store.db import cli_session
    from vats.store.licences import import_licence
    from vats.store.organisations import find_organisation

    parsed = []  # every file is parsed (and so validated) before anything is written
    for path in files:
        lic = read_licence(path)
        parsed.append((path, path.read_bytes(), lic))
    with cli_session(db) as session:
        org_id = find_organisation(session, org).id if org else None
        for path, data, lic in parsed:
            before = session.scalar(_revision_count(lic.number))
            record = import_licence(
                session, data=data, licence=lic, source_name=path.name, organisation_id=org_id
            )
            state = (
                "未变化 / unchanged"
                if before == record.current_revision
                else f"修订 / revision {record.current_revision}"
            )
            sys.stdout.write(f"{record.number}  {record.company}  {state}\n")


def _revision_count(number: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from vats.store.models import LicenceRecord

    return select(LicenceRecord.current_revision).where(LicenceRecord.number == number)


@app.command("list")
def list_command(
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """列出许可证 / List stored licences."""
    from vats.store.db import cli_session
    from vats.store.licences import list_licences

    with cli_session(db) as session:
        rows = [
            {
                "number": r.number,
                "company": r.company,
                "issue_date": r.issue_date,
                "expiry_date": r.expiry_date,
                "revision": r.current_revision,
            }
            for r in list_licences(session)
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
