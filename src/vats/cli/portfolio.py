"""`vats export` and `vats import`: the whole portfolio (or one table as CSV/XLSX) in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from vats.cli.db import DB_OPTION


def export_command(
    output: Path = typer.Option(..., "-o", "--output", help="FILE.json | FILE.zip | FILE.csv | FILE.xlsx"),
    table: str | None = typer.Option(
        None, "--table", help="只导出一张表 / export one table, e.g. disposal_cases"
    ),
    fmt: str | None = typer.Option(None, "--format", help="csv | xlsx (with --table)"),
    db: str | None = DB_OPTION,
) -> None:
    """导出全部数据 / Export the whole portfolio (JSON or zip), or one table as CSV/XLSX."""
    from vats.model.errors import InputError
    from vats.store.db import cli_session, database_url, make_engine, require_schema

    if table is not None:
        from vats.report.tables import export_table

        chosen = fmt or output.suffix.lstrip(".").lower()
        if chosen not in ("csv", "xlsx"):
            raise InputError(
                "表格导出需要 --format csv|xlsx / table export needs --format csv|xlsx", field="--format"
            )
        with cli_session(db, migrate=False) as session:
            n = export_table(session, table=table, format=chosen, path=output)  # type: ignore[arg-type]
        sys.stdout.write(f"已导出 {table} {n} 行至 {output} / exported {n} rows of {table} to {output}\n")
        return
    if fmt is not None:
        raise InputError("--format 仅用于 --table / --format applies to --table exports", field="--format")
    if output.suffix.lower() not in (".json", ".zip"):
        raise InputError("输出文件应为 .json 或 .zip / output must be .json or .zip", field="--output")
    from vats.store.portfolio import export_portfolio

    engine = make_engine(database_url(db))
    try:
        require_schema(engine)
        counts = export_portfolio(engine, output)
    finally:
        engine.dispose()
    total = sum(counts.values())
    sys.stdout.write(f"已导出 {len(counts)} 张表 {total} 行至 {output} / exported {total} rows to {output}\n")


def import_command(
    file: Path = typer.Argument(..., help="vats export 生成的文件 / a file written by vats export"),
    db: str | None = DB_OPTION,
) -> None:
    """导入全部数据（仅限空数据库，单一事务）/ Restore an export into an empty database, all or nothing."""
    from vats.store.db import database_url, make_engine, upgrade
    from vats.store.portfolio import import_portfolio

    engine = make_engine(database_url(db))
    try:
        upgrade(engine)
        result = import_portfolio(engine, file)
    finally:
        engine.dispose()
    total = sum(result.counts.values())
    sys.stdout.write(f"已导入 {total} 行 / imported {total} rows from {file}\n")
