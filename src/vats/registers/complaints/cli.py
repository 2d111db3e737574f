"""`vats complaint add|list|show|reply|close|correct`: the complaints register from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vats.registers import cli as common
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt
from vats.registers.complaints import MACHINE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.complaints.models import Complaint

app = common.new_app("用户投诉登记 / Complaints register")

COLUMNS = ("received_at", "channel", "topic", "complainant_ref", "replied_at")
ComplaintId = Annotated[int, typer.Argument(help="投诉编号 / complaint id")]


def _show(session: Session, complaint: Complaint, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.complaints.schemas import ComplaintOut

    common.show_one(session, complaint, schema=ComplaintOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    received_at: Annotated[str | None, typer.Option(help="收到日期 / received (YYYY-MM-DD)")] = None,
    channel: Annotated[str | None, typer.Option(help="渠道 / channel code")] = None,
    topic: Annotated[str | None, typer.Option(help="投诉事项 / subject code")] = None,
    complainant: Annotated[str | None, typer.Option(help="投诉人编号 / complainant reference")] = None,
    summary: Annotated[str | None, typer.Option(help="摘要 / summary")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记投诉 / Register a complaint (starts the 15-day reply clock)."""
    from vats.registers.complaints import service

    values = dict(
        licence=common.ask_text(licence, option="--licence", prompt="许可证编号 / licence"),
        received_at=common.ask_date(received_at, option="--received-at", prompt="收到日期 / received"),
        channel=common.ask_code(
            channel, option="--channel", prompt="渠道 / channel", vocab="complaint_channels"
        ),
        topic=common.ask_code(topic, option="--topic", prompt="事项 / subject", vocab="complaint_subjects"),
        complainant_ref=common.ask_text(complainant, option="--complainant", prompt="投诉人编号 / reference"),
    )
    with common.open_session(db, actor) as session:
        complaint = service.add_complaint(session, summary=summary, note=note, **values)  # type: ignore[arg-type]
        _show(session, complaint, as_json)


@app.command("list")
def list_(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    channel: Annotated[str | None, typer.Option(help="渠道 / channel")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未完成 / open items only")] = False,
    page: PageOpt = 1,
    per_page: PerPageOpt = 50,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出投诉及答复期限 / List complaints with their reply due date and status."""
    from vats.registers.complaints import service
    from vats.registers.complaints.schemas import ComplaintFilters, ComplaintOut
    from vats.store.listing import Page

    filters = ComplaintFilters(licence=licence, status=status, channel=channel, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_complaints(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session,
            result,
            schema=ComplaintOut,
            machine=MACHINE,
            columns=COLUMNS,
            as_json=as_json,
            as_of=as_of,
        )


@app.command("show")
def show(
    complaint_id: ComplaintId,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示投诉 / Show one complaint."""
    from vats.registers.complaints import service

    with common.open_session(db, actor) as session:
        _show(session, service.get_complaint(session, complaint_id=complaint_id), as_json, as_of)


@app.command("reply")
def reply(
    complaint_id: ComplaintId,
    replied_at: Annotated[str | None, typer.Option(help="答复日期 / replied (YYYY-MM-DD)")] = None,
    reply_ref: Annotated[str | None, typer.Option(help="答复记录 / reply reference")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记答复 / Record the reply to the complainant."""
    from vats.registers.complaints import service

    when = common.ask_date(replied_at, option="--replied-at", prompt="答复日期 / replied")
    with common.open_session(db, actor) as session:
        complaint = service.reply_complaint(
            session,
            complaint_id=complaint_id,
            replied_at=when,
            reply_ref=reply_ref,
            expected_version=expected_version,
        )
        _show(session, complaint, as_json)


@app.command("close")
def close(
    complaint_id: ComplaintId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """结案 / Close a replied complaint."""
    from vats.registers.complaints import service

    with common.open_session(db, actor) as session:
        complaint = service.close_complaint(
            session, complaint_id=complaint_id, expected_version=expected_version
        )
        _show(session, complaint, as_json)


common.add_correct_command(app, register="complaints", show=_show)
