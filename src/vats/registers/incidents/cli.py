"""`vats incident add|list|show|contain|report|follow-up|close|correct`: the incidents register."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from vats.registers import cli as common
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt
from vats.registers.incidents import MACHINE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.incidents.models import Incident

app = common.new_app("网络安全事件登记 / Security incidents register")

COLUMNS = ("kind", "severity", "started_at", "discovered_at", "contained_at", "reported_at")
IncidentId = Annotated[int, typer.Argument(help="事件编号 / incident id")]
When = Annotated[str | None, typer.Option("--at", help="时间 / time (YYYY-MM-DD HH:MM, Beijing)")]


def _show(session: Session, incident: Incident, as_json: bool, as_of: str | None = None) -> None:
    from vats.registers.incidents.schemas import IncidentOut

    common.show_one(session, incident, schema=IncidentOut, machine=MACHINE, as_json=as_json, as_of=as_of)


@app.command("add")
def add(
    licence: Annotated[str | None, typer.Option(help="许可证编号 / licence number")] = None,
    kind: Annotated[str | None, typer.Option(help="事件类型 / kind code")] = None,
    severity: Annotated[str | None, typer.Option(help="级别 / severity code")] = None,
    title: Annotated[str | None, typer.Option(help="标题 / title")] = None,
    started_at: Annotated[str | None, typer.Option(help="发生时间 / started (YYYY-MM-DD HH:MM)")] = None,
    discovered_at: Annotated[
        str | None, typer.Option(help="发现时间（报告时限自此起算）/ discovered (YYYY-MM-DD HH:MM)")
    ] = None,
    affected_users: Annotated[int | None, typer.Option(help="受影响用户数 / users affected")] = None,
    note: Annotated[str | None, typer.Option(help="备注 / note")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记事件 / Register an incident (report it immediately)."""
    from vats.registers.incidents import service

    values = dict(
        licence=common.ask_text(licence, option="--licence", prompt="许可证编号 / licence"),
        kind=common.ask_code(kind, option="--kind", prompt="类型 / kind", vocab="incident_kinds"),
        severity=common.ask_code(
            severity, option="--severity", prompt="级别 / severity", vocab="incident_severities"
        ),
        title=common.ask_text(title, option="--title", prompt="标题 / title"),
        started_at=common.ask_datetime(started_at, option="--started-at", prompt="发生时间 / started"),
    )
    with common.open_session(db, actor) as session:
        found = (
            None if discovered_at is None else common.parse_datetime(discovered_at, option="--discovered-at")
        )
        incident = service.add_incident(
            session,
            affected_users=affected_users,
            note=note,
            discovered_at=found,
            **values,  # type: ignore[arg-type]
        )
        _show(session, incident, as_json)


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
    """列出事件及报告期限 / List incidents with their report due date and status."""
    from vats.registers.incidents import service
    from vats.registers.incidents.schemas import IncidentFilters, IncidentOut
    from vats.store.listing import Page

    filters = IncidentFilters(licence=licence, status=status, kind=kind, open_only=open_only)
    with common.open_session(db, actor) as session:
        result = service.list_incidents(session, filters=filters, page=Page(page, per_page))
        common.show_page(
            session,
            result,
            schema=IncidentOut,
            machine=MACHINE,
            columns=COLUMNS,
            as_json=as_json,
            as_of=as_of,
        )


@app.command("show")
def show(
    incident_id: IncidentId,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示事件 / Show one incident."""
    from vats.registers.incidents import service

    with common.open_session(db, actor) as session:
        _show(session, service.get_incident(session, incident_id=incident_id), as_json, as_of)


@app.command("contain")
def contain(
    incident_id: IncidentId,
    at: When = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记已控制 / Record when the incident was contained."""
    from vats.registers.incidents import service

    when = common.ask_datetime(at, option="--at", prompt="控制时间 / contained")
    with common.open_session(db, actor) as session:
        incident = service.contain_incident(
            session, incident_id=incident_id, contained_at=when, expected_version=expected_version
        )
        _show(session, incident, as_json)


@app.command("report")
def report(
    incident_id: IncidentId,
    at: When = None,
    report_ref: Annotated[str | None, typer.Option(help="报告编号 / report reference")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记向主管部门报告 / Record the report to the telecom authority."""
    from vats.registers.incidents import service

    when = common.ask_datetime(at, option="--at", prompt="报告时间 / reported")
    with common.open_session(db, actor) as session:
        incident = service.report_incident(
            session,
            incident_id=incident_id,
            reported_at=when,
            report_ref=report_ref,
            expected_version=expected_version,
        )
        _show(session, incident, as_json)


@app.command("follow-up")
def follow_up(
    incident_id: IncidentId,
    at: When = None,
    note: Annotated[str | None, typer.Option(help="续报内容 / what was reported")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记续报 / Add a follow-up report."""
    from vats.registers.incidents import service

    when = common.ask_datetime(at, option="--at", prompt="续报时间 / follow-up")
    text = common.ask_text(note, option="--note", prompt="续报内容 / note")
    with common.open_session(db, actor) as session:
        incident = service.follow_up_incident(
            session, incident_id=incident_id, at=when, note=text, expected_version=expected_version
        )
        _show(session, incident, as_json)


@app.command("close")
def close(
    incident_id: IncidentId,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """结束事件 / Close a reported, contained incident."""
    from vats.registers.incidents import service

    with common.open_session(db, actor) as session:
        incident = service.close_incident(session, incident_id=incident_id, expected_version=expected_version)
        _show(session, incident, as_json)


common.add_correct_command(app, register="incidents", show=_show)
