"""`vats obligations show|complete|assign|waive|approve|reject|reopen ID`: the workspace actions of the
web and the API, on a stored obligation by its stable id (same services, same checks)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from vats.cli.common import parse_date, print_json
from vats.cli.db import DB_OPTION
from vats.model.errors import InputError

app = typer.Typer(help="义务工作台 / Act on a stored obligation", no_args_is_help=True, add_completion=False)

IdArg = Annotated[str, typer.Argument(help="义务编号 / obligation id (ob-…)", show_default=False)]
ActorOpt = Annotated[
    str | None, typer.Option("--actor", help="操作人 / who acts (default $VATS_ACTOR or OS user)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")]


@contextmanager
def _target(db: str | None, actor: str | None, ident: str) -> Iterator[tuple[Any, Any]]:
    """A session acting as `actor` and the obligation (the CLI reads the whole database, as admins do)."""
    from vats.api import workspace
    from vats.api.deps import Principal, Role
    from vats.model.clock import today
    from vats.registers.cli import open_session
    from vats.store.db import default_actor

    with open_session(db, actor) as session:
        principal = Principal(name=default_actor(actor), role=Role.ADMIN)
        yield session, workspace.find(session, principal, ident.strip(), as_of=today())


def _show(session: Any, target: Any, *, as_json: bool, fresh: bool = False) -> None:
    from vats.api import workspace
    from vats.model.clock import today

    if fresh:
        target = workspace.refreshed(session, target, as_of=today())
    data = workspace.detail(session, target)
    if as_json:
        print_json(data)
        return
    lines = [
        f"{data['id']}  {data['title_zh']} / {data['title_en']}",
        f"许可证 licence: {data['licence']}   对象 subject: {data['subject'] or '-'}",
        f"期间 period: {data['period'] or '-'}   期限 due: {data['due_date'] or '持续 continuous'}",
        f"状态 status: {data['status_zh']} ({data['status']})",
        f"负责人 owner: {data['owner'] or '未指定 none'}",
    ]
    if data["completed_on"]:
        lines.append(f"完成 done: {data['completed_on']}{'（逾期完成 late）' if data['late'] else ''}")
    lines.append(
        "依据 sources: "
        + "；".join(f"{s['instrument']} {s['article'] or ''}（{s['reliability']}）" for s in data["sources"])
    )
    for e in data["evidence"]:
        lines.append(
            f"证据 evidence #{e['id']}: {e['filename'] or e['record']} "
            + (f"sm3:{e['sm3']}" if e["sm3"] else "")
        )
    for w in data["waivers"]:
        lines.append(
            f"豁免 waiver #{w['id']} [{w['state']}] {w['reason']}"
            f"（至 {w['expires_on']}）by {w['requested_by']}"
        )
    for h in data["history"]:
        lines.append(f"历史 {h['label']} {h['detail']} — {h['actor']}")
    sys.stdout.write("\n".join(lines) + "\n")


@app.command("list")
def list_command(
    licence: Annotated[str | None, typer.Option("--licence", help="许可证号 / licence number")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="overdue|due_soon|upcoming|done|waived")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="负责人 / owner")] = None,
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出存储的义务及其编号 / Stored obligations with their ids, most urgent first."""
    from vats.api import views, workspace
    from vats.api.deps import Principal, Role
    from vats.model.clock import today
    from vats.model.obligation_ids import WorkStatus, engine_status
    from vats.registers.cli import open_session
    from vats.store.db import default_actor

    try:
        wanted = None if status is None else engine_status(WorkStatus(status))
    except ValueError:
        raise InputError(f"未知状态 / unknown status {status!r}", field="--status") from None
    with open_session(db, actor) as session:
        principal = Principal(name=default_actor(actor), role=Role.ADMIN)
        p = views.portfolio(session, principal, as_of=today())
        found = views.obligations_matching(p, views.ObligationFilter(status=wanted, licence=licence))
        rows = [r for r in workspace.rows(session, p, found) if owner is None or r.owner == owner]
        rows = workspace.by_urgency(rows)
        if as_json:
            print_json([r.item() for r in rows])
            return
        _write_rows(rows)


def _write_rows(rows: list[Any]) -> None:
    """Dated obligations first, then the standing duties in their own 控制项 / Controls table, as the
    file command separates them (a control's status is about the freshness of its evidence)."""
    from vats.rules.controls import control_row, is_control

    dated = [r for r in rows if not is_control(r.target.obligation)]
    controls = [r for r in rows if is_control(r.target.obligation)]
    for r in dated:
        i = r.item()
        due = i["due_date"] or "持续"
        sys.stdout.write(
            f"{i['id']}  {i['status_zh']}  {due}  {i['licence']}  {i['title_zh']}"
            f" {i['subject'] or ''}  {i['owner'] or ''}\n"
        )
    sys.stdout.write(f"共 {len(dated)} 项 / {len(dated)} obligations\n")
    if not controls:
        return
    sys.stdout.write("\n控制项 / Controls\n")
    for r in controls:
        i = r.item()
        c = control_row(r.target.obligation)
        last = str(c.last_on) if c.last_on else "无证据"
        review = str(c.next_review) if c.next_review else ("立即" if c.periodic else "—")
        sys.stdout.write(
            f"{i['id']}  {c.status_zh}  上次证据 {last}  下次复核 {review}  {i['licence']}"
            f"  {i['title_zh']} {i['subject'] or ''}  {i['owner'] or ''}\n"
        )
    sys.stdout.write(f"控制项 {len(controls)} 项 / {len(controls)} controls\n")


@app.command("show")
def show(ident: IdArg, db: str | None = DB_OPTION, actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """显示一项义务 / Show one obligation: what, why, due date, owner, evidence and history."""
    with _target(db, actor, ident) as (session, target):
        _show(session, target, as_json=as_json)


@app.command("complete")
def complete(
    ident: IdArg,
    done_on: Annotated[str, typer.Option("--done-on", help="完成日期 / date done (YYYY-MM-DD)")],
    files: Annotated[list[Path], typer.Option("--file", help="证据文件 / evidence file (repeatable)")] = [],  # noqa: B006
    records: Annotated[
        list[str], typer.Option("--record", help="登记记录 / register record, e.g. filing:3")
    ] = [],  # noqa: B006
    note: Annotated[str | None, typer.Option("--note", help="说明 / note")] = None,
    event_type: Annotated[
        str | None, typer.Option("--event-type", help="完成事件类型 / completion event type")
    ] = None,
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """记录完成（附证据）/ Record the obligation as done, with evidence files or register records."""
    from vats.registers.upload import upload_from_path
    from vats.registers.workspace import service

    day = parse_date(done_on, field="--done-on")
    uploads = [upload_from_path(path, field="--file") for path in files]
    with _target(db, actor, ident) as (session, target):
        service.complete(
            session,
            target=target,
            done_on=day,
            note=note,
            files=uploads,
            records=records,
            event_type=event_type,
        )
        _show(session, target, as_json=as_json, fresh=True)


@app.command("assign")
def assign(
    ident: IdArg,
    owner: Annotated[str, typer.Option("--owner", help="负责人用户名 / the owner's user name")],
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """指定负责人 / Assign the obligation's owner."""
    from vats.registers.workspace import service

    with _target(db, actor, ident) as (session, target):
        service.assign_owner(session, target=target, owner=owner)
        _show(session, target, as_json=as_json)


@app.command("waive")
def waive(
    ident: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="豁免理由 / why")],
    expires_on: Annotated[str, typer.Option("--expires-on", help="豁免到期日 / waiver ends on (YYYY-MM-DD)")],
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
) -> None:
    """申请豁免 / Ask for a waiver; it takes effect when someone else approves it."""
    from vats.registers.workspace import service

    day = parse_date(expires_on, field="--expires-on")
    with _target(db, actor, ident) as (session, target):
        row = service.request_waiver(session, target=target, reason=reason, expires_on=day)
        sys.stdout.write(f"豁免申请 #{row.id} 待审批 / waiver request #{row.id} awaits approval\n")


def _decide(ident: str, waiver: int, db: str | None, actor: str | None, approve: bool, as_json: bool) -> None:
    from vats.registers.workspace import service

    with _target(db, actor, ident) as (session, target):
        service.decide_waiver(session, target=target, request_id=waiver, approve=approve)
        _show(session, target, as_json=as_json, fresh=True)


WaiverArg = Annotated[int, typer.Argument(min=1, max=2_147_483_647, help="豁免申请编号 / waiver request id")]


@app.command("approve")
def approve(
    ident: IdArg,
    waiver: WaiverArg,
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """批准豁免 / Approve a waiver request (not by its requester)."""
    _decide(ident, waiver, db, actor, True, as_json)


@app.command("reject")
def reject(
    ident: IdArg,
    waiver: WaiverArg,
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """驳回豁免 / Reject a waiver request."""
    _decide(ident, waiver, db, actor, False, as_json)


@app.command("reopen")
def reopen(
    ident: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="重新打开的理由 / why")],
    db: str | None = DB_OPTION,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """重新打开 / Reopen a completed or waived obligation (its event is retracted)."""
    from vats.registers.workspace import service

    with _target(db, actor, ident) as (session, target):
        service.reopen(session, target=target, reason=reason)
        _show(session, target, as_json=as_json, fresh=True)
