"""`vats filing add|list|show|submit|attach|close|correct`: the filings register from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vats.cli.common import print_json
from vats.model.errors import InputError
from vats.registers import cli as common
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt
from vats.registers.filings import MACHINE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.filings.models import Filing

app = common.new_app("申报材料登记 / Filings register (annual reports, applications)")

COLUMNS = ("kind", "year", "title", "submitted_at", "receipt_no")
FilingId = Annotated[int, typer.Argument(help="申报编号 / filing id")]


def _show(session: Session, filing: Filing, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.filings.schemas import FilingOut

    common.show_one(session, filing, schema=FilingOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    kind: Annotated[str | None, typer.Option(help="申报类型 / kind code")] = None,
    year: Annotated[int | None, typer.Option(help="报告年度（年报）/ reporting year")] = None,
    title: Annotated[str | None, typer.Option(help="标题 / title")] = None,
    submitted_at: Annotated[str | None, typer.Option(help="已提交日期 / submitted (YYYY-MM-DD)")] = None,
    receipt: Annotated[str | None, typer.Option(help="受理编号 / receipt number")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记申报 / Record a filing (give --submitted-at if it has already been submitted)."""
    from vats.registers.filings import service
    from vats.registers.vocab import vocabulary

    number = common.ask_text(licence, option="--licence", prompt="许可证编号 / licence")
    code = common.ask_code(kind, option="--kind", prompt="类型 / kind", vocab="filing_kinds")
    if year is None and vocabulary().term("filing_kinds", code, field="kind").needs_year:
        year = common.ask(None, option="--year", prompt="报告年度 / year", convert=int)
    submitted = common.optional_date(submitted_at, option="--submitted-at")
    with common.open_session(db, actor) as session:
        filing = service.add_filing(session, licence=number, kind=code, title=title, year=year, note=note)
        if submitted is not None:
            filing = service.submit_filing(
                session, filing_id=filing.id, submitted_at=submitted, receipt_no=receipt
            )
        _show(session, filing, as_json)


@app.command("list")
def list_(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    kind: Annotated[str | None, typer.Option(help="类型 / kind")] = None,
    year: Annotated[int | None, typer.Option(help="报告年度 / reporting year")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成 / open items only")] = False,
    page: PageOpt = 1,
    per_page: PerPageOpt = 50,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出申报 / List filings."""
    from vats.registers.filings import service
    from vats.registers.filings.schemas import FilingFilters, FilingOut
    from vats.store.listing import Page

    filters = FilingFilters(licence=licence, status=status, kind=kind, year=year, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_filings(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session, result, schema=FilingOut, machine=MACHINE, columns=COLUMNS, as_json=as_json, as_of=as_of
        )


@app.command("show")
def show(
    filing_id: FilingId,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示申报及附件 / Show one filing and its attachments."""
    from vats.registers.filings import service

    with common.open_session(db, actor) as session:
        filing = service.get_filing(session, filing_id=filing_id)
        _show(session, filing, as_json, as_of)
        if not as_json:
            for a in filing.attachments:
                typer.echo(f"  #{a.id} {a.filename} {a.media_type} {a.size} B sm3:{a.sm3}")


@app.command("submit")
def submit(
    filing_id: FilingId,
    submitted_at: Annotated[str | None, typer.Option(help="提交日期 / submitted (YYYY-MM-DD)")] = None,
    receipt: Annotated[str | None, typer.Option(help="受理编号 / receipt number")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记已提交 / Record submission to the authority."""
    from vats.registers.filings import service

    when = common.ask_date(submitted_at, option="--submitted-at", prompt="提交日期 / submitted")
    with common.open_session(db, actor) as session:
        filing = service.submit_filing(
            session,
            filing_id=filing_id,
            submitted_at=when,
            receipt_no=receipt,
            expected_version=expected_version,
        )
        _show(session, filing, as_json)


@app.command("attach")
def attach(
    filing_id: FilingId,
    path: Annotated[Path, typer.Argument(help="要附加的文件 / file to attach")],
    media_type: Annotated[str | None, typer.Option(help="媒体类型 / media type (guessed)")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """附加文件 / Attach a file (stored in the database with its SM3 digest)."""
    from vats.registers.filings import service
    from vats.registers.filings.schemas import AttachmentOut

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 / cannot read file: {exc.strerror}", source=str(path)) from None
    with common.open_session(db, actor) as session:
        attachment = service.attach_file(
            session, filing_id=filing_id, filename=path.name, content=content, media_type=media_type
        )
        out = AttachmentOut.model_validate(attachment)
        if as_json:
            print_json(out.model_dump(mode="json"))
        else:
            typer.echo(f"#{out.id} {out.filename} {out.media_type} {out.size} B sm3:{out.sm3}")


@app.command("close")
def close(
    filing_id: FilingId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """办结 / Close a submitted filing."""
    from vats.registers.filings import service

    with common.open_session(db, actor) as session:
        filing = service.close_filing(session, filing_id=filing_id, expected_version=expected_version)
        _show(session, filing, as_json)


common.add_correct_command(app, register="filings", show=_show)
