"""`vats workpack show|fill|export|submit`: the annual report workpack from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vats.cli.common import print_json
from vats.model.errors import InputError
from vats.registers import cli as common
from vats.registers.cli import ActorOpt, DbOpt, JsonOpt, VersionOpt
from vats.registers.upload import upload_from_path
from vats.registers.workpacks.schemas import view_json

if TYPE_CHECKING:
    from vats.registers.workpacks.service import WorkpackView

app = common.new_app("年报工作底稿 / Annual report workpacks")

Licence = Annotated[str, typer.Argument(help="许可证编号 / licence number")]
Year = Annotated[int, typer.Option("--year", min=2017, max=2100, help="报告年度 / report year")]


def _print(view: WorkpackView) -> None:
    from vats.rules.workpack import display

    w, win = view.workpack, view.window
    typer.echo(f"{view.form.title} · {w.licence} · {view.status_label} · {view.remaining_label}")
    names = {"opens": "开放日", "due": "截止日", "late_until": "补报截止日", "locked_from": "锁定日"}
    late = "、".join(names.get(k, k) for k in sorted(win.unconfirmed))
    typer.echo(
        f"报送期 {win.opens} 至 {win.due}（{win.label}）"
        + (f"；补报至 {win.late_until}" if win.late_until else "")
        + (f"；未经官方确认：{late}" if late else "")
    )
    if win.phase in ("late", "locked") and w.status != "submitted":
        typer.echo(f"逾期后果：{win.consequence}")
    section = None
    for r in view.rows:
        if r.slot.section.title != section:
            section = r.slot.section.title
            typer.echo(f"\n[{section}]")
        mark = "✎" if r.human_only else " "
        value = display(r.value) or "—"
        source = f"  ← {r.source}" if r.source else ""
        typer.echo(f" {mark} {r.slot.key:<34} {r.slot.label}: {value}{source}")
        for p in r.problems:
            typer.echo(f"     {'✗' if p.blocking else '!'} {p.message}")


@app.command("show")
def show(
    licence: Licence,
    year: Year,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示年报底稿（首次打开时创建）/ Show the workpack: pre-filled values with sources, what is left."""
    from vats.registers.workpacks import service

    with common.open_session(db, actor) as session:
        wp = service.open_workpack(session, licence=licence, year=year)
        view = service.view_workpack(session, workpack_id=wp.id)
        if as_json:
            print_json(view_json(view))
        else:
            _print(view)


@app.command("fill")
def fill(
    licence: Licence,
    year: Year,
    values: Annotated[
        list[str] | None, typer.Option("--set", help="项目=值，可重复；值为空则清除 / key=value, repeatable")
    ] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """填写并暂存 / Save values into the draft (checked for type; everything else shows in `show`)."""
    from vats.registers.workpacks import service

    pairs: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"应为 项目=值 / expected key=value, got {item!r}", field="--set")
        pairs[key.strip()] = value
    if not pairs:
        raise InputError(
            "请用 --set 项目=值 给出要填写的内容 / give values with --set key=value", field="--set"
        )
    with common.open_session(db, actor) as session:
        wp = service.open_workpack(session, licence=licence, year=year)
        service.fill_workpack(session, workpack_id=wp.id, values=pairs, expected_version=expected_version)
        view = service.view_workpack(session, workpack_id=wp.id)
        if as_json:
            print_json(view_json(view))
        else:
            typer.echo(f"已暂存 {len(pairs)} 项；{view.remaining_label}；待解决问题 {len(view.blocking)} 处")


@app.command("export")
def export(
    licence: Licence,
    year: Year,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 / output file (.xlsx, .pdf)")],
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx | pdf | html (默认按扩展名)")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """导出底稿（按表单顺序）/ Export the workpack in the form's order for entry into the online system."""
    from vats.registers.workpacks import service
    from vats.report.files import write_bytes
    from vats.report.workpack_export import render

    chosen = (fmt or output.suffix.lstrip(".") or "xlsx").lower()
    with common.open_session(db, actor) as session:
        wp = service.find_workpack(session, licence=licence, year=year)
        data = render(service.view_workpack(session, workpack_id=wp.id), chosen)
    write_bytes(output, data)
    typer.echo(f"已导出 {output}（{len(data)} 字节）")


@app.command("submit")
def submit(
    licence: Licence,
    year: Year,
    submitted_at: Annotated[str, typer.Option("--submitted-at", help="报送日期 / submitted (YYYY-MM-DD)")],
    receipt: Annotated[Path, typer.Option("--receipt", help="回执或截图 / receipt or screenshot file")],
    receipt_no: Annotated[str | None, typer.Option("--receipt-no", help="回执编号 / receipt number")] = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记已报送（附回执），年报义务随之完成，底稿转为只读 / Record submission with its receipt."""
    from vats.registers.workpacks import service

    when = common.ask_date(submitted_at, option="--submitted-at", prompt="报送日期 / submitted")
    proof = upload_from_path(receipt, field="--receipt")
    with common.open_session(db, actor) as session:
        wp = service.find_workpack(session, licence=licence, year=year)
        service.submit_workpack(
            session,
            workpack_id=wp.id,
            submitted_at=when,
            receipt=proof,
            receipt_no=receipt_no,
            expected_version=expected_version,
        )
        view = service.view_workpack(session, workpack_id=wp.id)
        if as_json:
            print_json(view_json(view))
        else:
            typer.echo(f"已登记 {year} 年度年报报送（{when}，申报 {wp.filing_id}）；底稿已转为只读")
