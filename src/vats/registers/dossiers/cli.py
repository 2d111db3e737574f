"""`vats dossier list|open|due|show|item|attach|export|submit|approve`: application dossiers from
the shell (the same service functions as the API and web)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vats.cli.common import print_json
from vats.model.errors import InputError
from vats.registers import cli as common
from vats.registers.base import parse_input
from vats.registers.cli import ActorOpt, DbOpt, JsonOpt, LicenceOpt, NoteOpt, OwnerOpt, VersionOpt
from vats.registers.dossiers.schemas import DossierSubmit, ItemUpdate, view_json
from vats.registers.upload import upload_from_path

if TYPE_CHECKING:
    from vats.registers.dossiers.service import DossierView

app = common.new_app("申请材料包 / Renewal and change application dossiers")

DossierId = Annotated[int, typer.Argument(min=1, help="材料包编号 / dossier id")]
ItemArg = Annotated[str, typer.Argument(help="材料项编号 / checklist item id (see `show`)")]


def _print(view: DossierView) -> None:
    d = view.dossier
    typer.echo(
        f"{view.checklist.title} · {d.licence} · {view.kind_label} · {view.status_label}"
        f" · {view.progress_label}"
    )
    if view.renewal_deadline:
        typer.echo(
            f"续期申请截止 {view.renewal_deadline}" + ("（已逾期，逾期申请的不予续期）" if view.late else "")
        )
    for n, r in enumerate(view.rows, 1):
        typer.echo(
            f" {n:>2}. [{r.status_label}] {r.item.id:<22} {r.item.label}  负责人：{r.owner or '未指定'}"
        )
        for a in r.attachments:
            typer.echo(f"       {a.id}: {a.filename}  SM3 {a.sm3}")
    if view.proof is not None:
        typer.echo(f"\n业务开展证明（{view.proof.source.label()}）")
        for p in view.proof.services:
            if p.seen:
                typer.echo(f"  ✓ {p.code} {p.name}：{p.seen[0].domain} 于 {p.seen[0].when} 访问成功")
            else:
                typer.echo(f"  ✗ {p.finding}")
    if view.stops is not None:
        typer.echo(f"\n许可证已于 {view.stops.expired_on} 到期，须立即停止：{'、'.join(view.stops.services)}")
        for i in view.stops.items:
            seen = f"最近访问成功 {i.last_seen.when}" if i.last_seen else "无访问成功记录"
            typer.echo(f"  - {i.declared.name} {i.declared.domain or ''}（{seen}）")
    if view.clocks is not None:
        typer.echo("\n申请期限")
        for c in view.clocks.clocks:
            typer.echo(f"  {c.label}（{'；'.join(s.label() for s in c.sources)}）")
        if view.clocks.conflict and view.clocks.binding:
            typer.echo(f"  两项期限不一致，以较早的 {view.clocks.binding.due} 为准")


def _show(session: object, dossier_id: int, as_json: bool) -> None:
    from vats.registers.dossiers import service

    view = service.view_dossier(session, dossier_id=dossier_id)  # type: ignore[arg-type]
    if as_json:
        print_json(view_json(view))
    else:
        _print(view)


@app.command("list")
def list_command(
    licence: LicenceOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", help="renewal | expired | change")] = None,
    status: Annotated[str | None, typer.Option("--status", help="open | submitted | approved")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出申请材料包 / List dossiers."""
    from vats.registers.dossiers import service

    with common.open_session(db, actor) as session:
        found = service.list_dossiers(session, licence=licence, kind=kind, status=status)
        rows = [
            {
                "id": d.id,
                "licence": d.licence,
                "kind": d.kind,
                "status": d.status,
                "opened_on": str(d.opened_on),
            }
            for d in found
        ]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['id']:>5}  {r['licence']}  {service.KIND_LABELS[str(r['kind'])]}  "
            f"{service.STATUS_LABELS[str(r['status'])]}  {r['opened_on']}"
        )
    typer.echo(f"共 {len(rows)} 个 / {len(rows)} dossiers")


@app.command("open")
def open_command(
    licence: Annotated[str | None, typer.Argument(help="许可证编号（续期或已过期）/ licence")] = None,
    change: Annotated[
        int | None, typer.Option("--change", min=1, help="变更登记编号 / change record id")
    ] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """建立（或打开已有的）材料包 / Open a licence's renewal dossier, or a change's dossier."""
    from vats.registers.dossiers import service

    if (licence is None) == (change is None):
        raise InputError("请给出许可证编号或 --change 之一 / give a licence or --change", field="licence")
    with common.open_session(db, actor) as session:
        if change is not None:
            dossier = service.open_change(session, change_id=change)
        else:
            dossier = service.open_renewal(session, licence=licence or "")
        _show(session, dossier.id, as_json)


@app.command("due")
def due_command(db: DbOpt = None, actor: ActorOpt = None) -> None:
    """建立已到时间的续期材料包（定时任务也会执行）/ Open the renewal dossiers whose day has come."""
    from vats.registers.dossiers import service

    with common.open_session(db, actor) as session:
        created = service.open_due(session)
        for d in created:
            typer.echo(f"已建立 {d.id}：{d.licence} {service.KIND_LABELS[d.kind]}")
    typer.echo(f"新建 {len(created)} 个 / {len(created)} opened")


@app.command("show")
def show_command(
    dossier_id: DossierId, db: DbOpt = None, actor: ActorOpt = None, as_json: JsonOpt = False
) -> None:
    """显示材料包 / Show a dossier: checklist, launch proof or stop list, clocks."""
    with common.open_session(db, actor) as session:
        _show(session, dossier_id, as_json)


@app.command("item")
def item_command(
    dossier_id: DossierId,
    item: ItemArg,
    owner: OwnerOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="todo | ready | na")] = None,
    note: NoteOpt = None,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """更新材料项 / Set a checklist item's owner, status or note."""
    from vats.registers.dossiers import service

    change = parse_input(ItemUpdate, {"owner": owner, "status": status, "note": note})
    with common.open_session(db, actor) as session:
        service.update_item(
            session,
            dossier_id=dossier_id,
            item=item,
            expected_version=expected_version,
            **change.model_dump(),
        )
    typer.echo(f"已更新 {item}")


@app.command("attach")
def attach_command(
    dossier_id: DossierId,
    item: ItemArg,
    file: Annotated[Path, typer.Argument(help="材料文件 / the file")],
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """上传材料文件（保存 SM3 摘要）/ Attach a file to a checklist item."""
    from vats.registers.dossiers import service

    upload = upload_from_path(file, field="file")
    with common.open_session(db, actor) as session:
        a = service.attach(
            session, dossier_id=dossier_id, item=item, filename=upload.filename, content=upload.content
        )
        typer.echo(f"已保存附件 {a.id}：{a.filename} SM3 {a.sm3}")


@app.command("export")
def export_command(
    dossier_id: DossierId,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 / output file (.pdf, .zip)")],
    fmt: Annotated[str | None, typer.Option("--format", help="pdf | zip (默认按扩展名)")] = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """导出整个材料包 / Export the dossier as one PDF or one ZIP."""
    from vats.registers.dossiers import service
    from vats.report.dossier_export import render
    from vats.report.files import write_bytes

    chosen = (fmt or output.suffix.lstrip(".") or "pdf").lower()
    with common.open_session(db, actor) as session:
        view = service.view_dossier(session, dossier_id=dossier_id)
        data = render(view, service.contents(session, view.dossier), chosen)
    write_bytes(output, data)
    typer.echo(f"已导出 {output}（{len(data)} 字节）")


@app.command("submit")
def submit_command(
    dossier_id: DossierId,
    submitted_at: Annotated[str, typer.Option("--submitted-at", help="提交日期 / submitted (YYYY-MM-DD)")],
    receipt_no: Annotated[str | None, typer.Option("--receipt-no", help="回执编号 / receipt number")] = None,
    not_continuing: Annotated[
        bool, typer.Option("--not-continuing", help="报告期满不再继续经营 / report not continuing instead")
    ] = False,
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """登记已提交申请（续期义务或变更义务随之完成）/ Record the submission."""
    from vats.registers.dossiers import service

    when = common.ask_date(submitted_at, option="--submitted-at", prompt="提交日期 / submitted")
    body = parse_input(
        DossierSubmit, {"submitted_at": when, "receipt_no": receipt_no, "not_continuing": not_continuing}
    )
    with common.open_session(db, actor) as session:
        d = service.submit(
            session, dossier_id=dossier_id, expected_version=expected_version, **body.model_dump()
        )
        typer.echo(f"已登记提交（{when}）：{d.licence} {service.KIND_LABELS[d.kind]}")


@app.command("approve")
def approve_command(
    dossier_id: DossierId,
    approved_at: Annotated[str, typer.Option("--approved-at", help="批准日期 / approved (YYYY-MM-DD)")],
    document: Annotated[Path, typer.Option("--document", help="批准后的许可证文件 / the licence as issued")],
    expected_version: VersionOpt = None,
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """登记批准并导入新许可证，显示与上一版的差异 / Record approval; import and diff the new licence."""
    from vats.registers.dossiers import service

    when = common.ask_date(approved_at, option="--approved-at", prompt="批准日期 / approved")
    licence = upload_from_path(document, field="--document")
    with common.open_session(db, actor) as session:
        d = service.approve(
            session,
            dossier_id=dossier_id,
            approved_at=when,
            document=licence,
            expected_version=expected_version,
        )
        typer.echo(f"已导入第 {d.revision_after} 版（上一版 {d.revision_before}）")
        for key in ("changes", "services_added", "services_removed", "sites_added", "sites_removed"):
            for entry in (d.diff or {}).get(key) or ():
                typer.echo(f"  {key}: {entry}")
