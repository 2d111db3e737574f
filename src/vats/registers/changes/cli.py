"""`vats change add|list|show|file|close|correct`: the corporate-changes register from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vats.registers import cli as common
from vats.registers.changes import MACHINE
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.changes.models import CorporateChange

app = common.new_app("公司变更登记 / Corporate changes register")

COLUMNS = ("kind", "decided_at", "registered_at", "effective_at", "filed_at")
ChangeId = Annotated[int, typer.Argument(help="变更编号 / change id")]


def _show(session: Session, change: CorporateChange, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.changes.schemas import ChangeOut

    common.show_one(session, change, schema=ChangeOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    kind: Annotated[str | None, typer.Option(help="变更类型 / kind code")] = None,
    decided_at: Annotated[str | None, typer.Option(help="作出决定日期 / decision date")] = None,
    registered_at: Annotated[str | None, typer.Option(help="登记变更日期 / registration date")] = None,
    effective_at: Annotated[str | None, typer.Option(help="生效日期 / effective date")] = None,
    description: Annotated[str | None, typer.Option(help="说明 / description")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记变更 / Record a corporate change (the application clock starts)."""
    from vats.registers.changes import service
    from vats.registers.vocab import vocabulary

    number = common.ask_text(licence, option="--licence", prompt="许可证编号 / licence")
    code = common.ask_code(kind, option="--kind", prompt="类型 / kind", vocab="change_kinds")
    basis = vocabulary().term("change_kinds", code, field="kind").date_basis
    decided = common.optional_date(decided_at, option="--decided-at")
    registered = common.optional_date(registered_at, option="--registered-at")
    if basis == "decision" and decided is None:
        decided = common.ask_date(None, option="--decided-at", prompt="决定日期 / decided")
    if basis == "registration" and registered is None:
        registered = common.ask_date(None, option="--registered-at", prompt="登记日期 / registered")
    with common.open_session(db, actor) as session:
        change = service.add_change(
            session,
            licence=number,
            kind=code,
            decided_at=decided,
            registered_at=registered,
            effective_at=common.optional_date(effective_at, option="--effective-at"),
            description=description,
            note=note,
        )
        _show(session, change, as_json)


@app.command("list")
def list_(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    kind: Annotated[str | None, typer.Option(help="类型 / kind")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成 / open items only")] = False,
    page: PageOpt = 1,
    per_page: PerPageOpt = 50,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出变更及申请期限 / List changes with their application due date and status."""
    from vats.registers.changes import service
    from vats.registers.changes.schemas import ChangeFilters, ChangeOut
    from vats.store.listing import Page

    filters = ChangeFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_changes(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session, result, schema=ChangeOut, machine=MACHINE, columns=COLUMNS, as_json=as_json, as_of=as_of
        )


@app.command("show")
def show(
    change_id: ChangeId,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示变更 / Show one change."""
    from vats.registers.changes import service

    with common.open_session(db, actor) as session:
        _show(session, service.get_change(session, change_id=change_id), as_json, as_of)


@app.command("file")
def file(
    change_id: ChangeId,
    filed_at: Annotated[str | None, typer.Option(help="申请日期 / filed (YYYY-MM-DD)")] = None,
    receipt: Annotated[str | None, typer.Option(help="受理编号 / receipt number")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记已申请 / Record the application filed with the issuing authority."""
    from vats.registers.changes import service

    when = common.ask_date(filed_at, option="--filed-at", prompt="申请日期 / filed")
    with common.open_session(db, actor) as session:
        change = service.file_change(
            session, change_id=change_id, filed_at=when, receipt_no=receipt, expected_version=expected_version
        )
        _show(session, change, as_json)


@app.command("close")
def close(
    change_id: ChangeId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """办结 / Close a filed change."""
    from vats.registers.changes import service

    with common.open_session(db, actor) as session:
        change = service.close_change(session, change_id=change_id, expected_version=expected_version)
        _show(session, change, as_json)


common.add_correct_command(app, register="changes", show=_show)
