"""`vats case add|list|show|dispose|report|close|correct`: the disposal-case register from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vats.registers import cli as common
from vats.registers.cases import MACHINE
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.cases.models import DisposalCase

app = common.new_app("违法信息处置登记 / Illegal-information disposal cases")

COLUMNS = ("site", "category", "discovered_at", "disposed_at", "reported_at")
CaseId = Annotated[int, typer.Argument(help="案件编号 / case id")]


def _show(session: Session, case: DisposalCase, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.cases.schemas import CaseOut

    common.show_one(session, case, schema=CaseOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    site: Annotated[str | None, typer.Option(help="发现的网站或应用 / site or app")] = None,
    content: Annotated[str | None, typer.Option("--content", help="内容引用 / content reference")] = None,
    category: Annotated[str | None, typer.Option(help="违法类别 / category code")] = None,
    discovered_at: Annotated[str | None, typer.Option(help="发现日期 / discovered (YYYY-MM-DD)")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记新案件 / Open a case for illegal content found on a site."""
    from vats.registers.cases import service

    values = dict(
        licence=common.ask_text(licence, option="--licence", prompt="许可证编号 / licence"),
        site=common.ask_text(site, option="--site", prompt="网站或应用 / site"),
        content_ref=common.ask_text(content, option="--content", prompt="内容引用 / content reference"),
        category=common.ask_code(category, option="--category", prompt="类别 / category", vocab="categories"),
        discovered_at=common.ask_date(discovered_at, option="--discovered-at", prompt="发现日期 / found"),
    )
    with common.open_session(db, actor) as session:
        case = service.add_case(session, note=note, **values)  # type: ignore[arg-type]
        _show(session, case, as_json)


@app.command("list")
def list_(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    category: Annotated[str | None, typer.Option(help="类别 / category")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成 / open items only")] = False,
    page: PageOpt = 1,
    per_page: PerPageOpt = 50,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出案件及上报期限 / List cases with their report due date and status."""
    from vats.registers.cases import service
    from vats.registers.cases.schemas import CaseFilters, CaseOut
    from vats.store.listing import Page

    filters = CaseFilters(licence=licence, status=status, category=category, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_cases(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session, result, schema=CaseOut, machine=MACHINE, columns=COLUMNS, as_json=as_json, as_of=as_of
        )


@app.command("show")
def show(
    case_id: CaseId, as_of: AsOfOpt = None, db: DbOpt = None, actor: ActorOpt = None, as_json: JsonOpt = False
) -> None:
    """显示案件 / Show one case."""
    from vats.registers.cases import service

    with common.open_session(db, actor) as session:
        _show(session, service.get_case(session, case_id=case_id), as_json, as_of)


@app.command("dispose")
def dispose(
    case_id: CaseId,
    disposed_at: Annotated[str | None, typer.Option(help="处置日期 / disposed (YYYY-MM-DD)")] = None,
    action: Annotated[str | None, typer.Option(help="stop | delete")] = None,
    records_ref: Annotated[str | None, typer.Option(help="记录保存位置 / where records are kept")] = None,
    no_records: Annotated[bool, typer.Option("--no-records", help="未保存记录 / records not kept")] = False,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记处置 / Record the disposal (starts the 10-working-day report clock)."""
    from vats.registers.cases import service

    when = common.ask_date(disposed_at, option="--disposed-at", prompt="处置日期 / disposed")
    how = common.ask_code(action, option="--action", prompt="处置方式 / action", vocab="disposal_actions")
    if not no_records:
        records_ref = common.ask_text(records_ref, option="--records-ref", prompt="记录位置 / records at")
    with common.open_session(db, actor) as session:
        case = service.dispose_case(
            session,
            case_id=case_id,
            disposed_at=when,
            action=how,
            records_kept=not no_records,
            records_ref=records_ref,
            expected_version=expected_version,
        )
        _show(session, case, as_json)


@app.command("report")
def report(
    case_id: CaseId,
    reported_at: Annotated[str | None, typer.Option(help="上报日期 / reported (YYYY-MM-DD)")] = None,
    receipt: Annotated[str | None, typer.Option(help="回执编号 / receipt number")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记上报 / Record the report to the telecom authority."""
    from vats.registers.cases import service

    when = common.ask_date(reported_at, option="--reported-at", prompt="上报日期 / reported")
    number = common.ask_text(receipt, option="--receipt", prompt="回执编号 / receipt number")
    with common.open_session(db, actor) as session:
        case = service.report_case(
            session, case_id=case_id, reported_at=when, receipt_no=number, expected_version=expected_version
        )
        _show(session, case, as_json)


@app.command("close")
def close(
    case_id: CaseId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """结案 / Close a reported case."""
    from vats.registers.cases import service

    with common.open_session(db, actor) as session:
        case = service.close_case(session, case_id=case_id, expected_version=expected_version)
        _show(session, case, as_json)


common.add_correct_command(app, register="cases", show=_show)
