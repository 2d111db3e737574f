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


@app.command("profile")
def profile_command(
    org: str = typer.Argument(
        ..., help="组织（编号、信用代码或名称）/ organisation (id, credit code or name)"
    ),
    assignments: list[str] = typer.Option(
        [], "--set", metavar="KEY=true|false", help="设置档案项（可多次）/ set a profile key (repeatable)"
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = DB_OPTION,
) -> None:
    """组织档案：决定数据类规则是否适用 / The organisation profile that decides which data-law rules apply."""
    from vats.reference.rules_library import PROFILE_KEYS
    from vats.store.db import cli_session
    from vats.store.organisations import find_organisation
    from vats.store.profiles import parse_assignment, profile_of, set_profile

    values = dict(parse_assignment(a) for a in assignments[:50])
    with cli_session(db) as session:
        organisation = find_organisation(session, org)
        if values:
            profile = set_profile(session, organisation_id=organisation.id, values=values)
        else:
            profile = profile_of(session, organisation_id=organisation.id)
        name = organisation.name
    if fmt is OutputFormat.JSON:
        print_json({"organisation": name, "profile": profile})
        return
    sys.stdout.write(f"{name}\n")
    for key, value in profile.items():
        zh, en = PROFILE_KEYS[key]
        sys.stdout.write(f"  {key:<32} {'是 yes' if value else '否 no':<7} {zh} / {en}\n")
