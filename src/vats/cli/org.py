"""`vats org add|list`: organisations (licence holders)."""

from __future__ import annotations

import sys

import typer

from vats.cli.common import OutputFormat, print_json
from vats.cli.db import DB_OPTION

app = typer.Typer(help="组织 / Organisations", no_args_is_help=True, add_completion=False)


@app.command("add")
def add_command(
    name: str = typer.Argument(..., help="名称 / name"),
    uscc: str | None = typer.Option(None, "--uscc", help="统一社会信用代码 / unified social credit code"),
    region: str | None = typer.Option(None, "--region", help="地区代码 / region code, e.g. CQ"),
    db: str | None = DB_OPTION,
) -> None:
    """登记组织 / Add an organisation (the credit code's check character is verified)."""
    from vats.store.db import cli_session
    from vats.store.organisations import add_organisation

    with cli_session(db) as session:
        org = add_organisation(session, name=name, uscc=uscc, region=region)
        sys.stdout.write(f"已登记 / added organisation #{org.id} {org.name}\n")


@app.command("list")
def list_command(
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """列出组织 / List organisations."""
    from vats.store.db import cli_session
    from vats.store.organisations import list_organisations

    with cli_session(db) as session:
        rows = [
            {"id": o.id, "name": o.name, "uscc": o.uscc, "region": o.region}
            for o in list_organisations(session)
        ]
    if fmt is OutputFormat.JSON:
        print_json(rows)
        return
    for r in rows:
        sys.stdout.write(f"{r['id']:>5}  {r['name']}  {r['uscc'] or '-'}  {r['region'] or '-'}\n")
