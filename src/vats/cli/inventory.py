"""`vats inventory`: import the declared site/app inventory and reconcile it with the licences.

`reconcile --licence FILE --inventory FILE` needs no database; the stored forms use `--db` (or the
configured database). Findings are printed Chinese first; exit 1 when any is high or critical.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer

from vats.cli.common import OutputFormat, print_json
from vats.model.errors import ExitCode, InputError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session

    from vats.checks.inventory import InventoryItem
    from vats.model.findings import Finding
    from vats.model.licence import Licence

app = typer.Typer(
    help="网站与应用清单 / Declared site and app inventory", no_args_is_help=True, add_completion=False
)


def _session(db: str | None) -> AbstractContextManager[Session]:
    from vats.store.db import cli_session

    return cli_session(db)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="清单文件（YAML 或 CSV）/ inventory file (YAML or CSV)"),
    org: str = typer.Option("", "--org", help="组织 / organisation"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """导入清单（以文件为准同步）/ Import an inventory; the file replaces the organisation's list."""
    from vats.checks.inventory import load_inventory
    from vats.store.checks import import_inventory

    items = load_inventory(file)  # validated completely before the database is touched
    with _session(db) as session:
        sync = import_inventory(session, items=items, organisation=org, source=file.name)
    sys.stdout.write(
        f"已导入 {len(items)} 项：新增 {sync.added}，更新 {sync.updated}，"
        f"删除 {sync.removed}，未变 {sync.unchanged}\n"
        f"imported {len(items)} items: {sync.added} added, {sync.updated} updated, {sync.removed} removed, "
        f"{sync.unchanged} unchanged\n"
    )


@app.command("list")
def list_command(
    org: str | None = typer.Option(None, "--org"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """列出已导入的清单 / List the stored inventory."""
    from vats.store.checks import list_inventory

    with _session(db) as session:
        rows = [(r.organisation, r.to_item(), r.source) for r in list_inventory(session, organisation=org)]
    if fmt is OutputFormat.JSON:
        from vats.model.serialise import to_jsonable

        print_json([{"organisation": o, "source": s, **to_jsonable(i)} for o, i, s in rows])
        return
    for organisation, item, _source in rows:
        features = ",".join(item.features) or "-"
        sys.stdout.write(
            f"{organisation or '-':<12} {item.kind.value:<8} {item.name:<16} "
            f"{item.domain or '-':<24} {features}\n"
        )


def _licences(licence: str | None, db: str | None) -> list[Licence]:
    if licence is not None and Path(licence).exists():
        from vats.ingest.document import read_licence

        return [read_licence(licence)]
    from vats.model.errors import NotFoundError
    from vats.store.licences import load_domain_licences

    with _session(db) as session:
        licences = load_domain_licences(session)
    if licence is not None:
        licences = [lic for lic in licences if lic.number == licence]
        if not licences:
            raise NotFoundError(f"库中没有该许可证 / no stored licence {licence}", field="--licence")
    return licences


def _items(inventory: Path | None, org: str | None, db: str | None) -> list[InventoryItem]:
    if inventory is not None:
        from vats.checks.inventory import load_inventory

        return load_inventory(inventory)
    from vats.store.checks import list_inventory

    with _session(db) as session:
        return [r.to_item() for r in list_inventory(session, organisation=org)]


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        sys.stdout.write(
            f"[{f.severity.value}] {f.id}  {f.subject or ''}\n    {f.message_zh}\n    {f.message_en}\n"
        )
        for s in f.sources:
            sys.stdout.write(f"    依据 / source: {s.label()} [{s.reliability.value}]\n")
    gating = sum(1 for f in findings if f.severity.gates)
    sys.stdout.write(
        f"\n{len(findings)} 项发现，{gating} 项高/严重 / "
        f"{len(findings)} findings, {gating} high or critical\n"
    )


@app.command("reconcile")
def reconcile_command(
    licence: str | None = typer.Option(None, "--licence", help="许可证编号或文件 / licence number or file"),
    inventory: Path | None = typer.Option(None, "--inventory", help="清单文件（不用数据库）/ inventory file"),
    org: str | None = typer.Option(None, "--org"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """核对清单与许可证 / Reconcile the inventory with the licence(s); exit 1 on high findings."""
    from vats.checks.scope import reconcile

    items = _items(inventory, org, db)
    licences = _licences(licence, db)
    if not licences:
        raise InputError("没有可核对的许可证 / no licence to reconcile against", field="--licence")
    findings = [f for lic in licences for f in reconcile(lic, items)]
    if fmt is OutputFormat.JSON:
        print_json(findings)
    else:
        _print_findings(findings)
    if any(f.severity.gates for f in findings):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


@app.command("apps")
def apps_command(
    licence: str | None = typer.Option(None, "--licence", help="许可证编号或文件 / licence number or file"),
    inventory: Path | None = typer.Option(None, "--inventory", help="清单文件（不用数据库）/ inventory file"),
    org: str | None = typer.Option(None, "--org"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """核对 APP 备案号 / APP filing numbers: missing, malformed, licence apps unfiled; exit 1 on high."""
    from vats.checks.app_filings import app_filing_findings

    if inventory is not None:
        from vats.checks.inventory import load_inventory

        items = load_inventory(inventory)
        source: Any = str(inventory)
    else:
        from vats.store.checks import list_inventory

        with _session(db) as session:
            rows = list_inventory(session, organisation=org)
            pairs = [(r.to_item(), r.source) for r in rows]
        items = [item for item, _ in pairs]
        by_id = {id(item): where for item, where in pairs}
        source = lambda item: by_id.get(id(item))  # noqa: E731 - one line: where each stored row came from
    licences = _licences(licence, db) if (licence is not None or inventory is None) else []
    findings = app_filing_findings(items, licences=licences, source=source)
    if fmt is OutputFormat.JSON:
        print_json(findings)
    else:
        _print_findings(findings)
    if any(f.severity.gates for f in findings):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
