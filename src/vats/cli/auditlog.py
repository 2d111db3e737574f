"""`vats auditlog verify|list|archive`: the tamper-evident audit log."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from vats.cli.common import print_json
from vats.cli.db import DB_OPTION

app = typer.Typer(help="审计日志 / Tamper-evident audit log", no_args_is_help=True, add_completion=False)


@app.command("verify")
def verify_command(
    json_out: bool = typer.Option(False, "--json", help="JSON 输出 / JSON output"),
    db: str | None = DB_OPTION,
) -> None:
    """重新计算哈希链 / Re-compute the SM3 chain; exit 6 and name the first bad entry if broken."""
    from vats.model.errors import IntegrityError
    from vats.store.auditlog import verify
    from vats.store.db import cli_session

    with cli_session(db, migrate=False) as session:
        result = verify(session)
    if json_out:
        print_json(result)
    if not result.ok:
        raise IntegrityError(result.describe())
    if not json_out:
        sys.stdout.write(result.describe() + "\n")


@app.command("list")
def list_command(
    entity: str | None = typer.Option(None, "--entity", help="表名 / table, e.g. licences"),
    entity_id: str | None = typer.Option(None, "--id", help="记录编号 / record id"),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000),
    json_out: bool = typer.Option(False, "--json"),
    db: str | None = DB_OPTION,
) -> None:
    """最近的审计记录（新→旧）/ Recent audit entries, newest first."""
    from vats.store.auditlog import list_entries, utc_text
    from vats.store.db import cli_session

    with cli_session(db, migrate=False) as session:
        rows = [
            {
                "seq": e.id,
                "at": utc_text(e.at),
                "actor": e.actor,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "action": e.action,
                "before": e.before,
                "after": e.after,
                "hash": e.hash,
            }
            for e in list_entries(session, entity=entity, entity_id=entity_id, limit=limit)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        sys.stdout.write(
            f"#{r['seq']:<7} {r['at']}  {r['actor']:<16} {r['action']:<7} {r['entity']}:{r['entity_id']}\n"
        )


@app.command("archive")
def archive_command(
    before: str = typer.Option(
        ..., "--before", help="归档此日期之前的记录 / archive entries before DATE (UTC)"
    ),
    output: Path = typer.Option(..., "-o", "--output", help="归档文件（JSON 行）/ archive file (JSON lines)"),
    db: str | None = DB_OPTION,
) -> None:
    """归档保存期已满的审计记录 / Move audit entries past their retention period to a file (logged)."""
    from datetime import UTC, datetime

    from vats.cli.common import parse_date
    from vats.model.errors import RefusedError
    from vats.store.auditlog import archive
    from vats.store.db import cli_session

    day = parse_date(before, field="--before", default_today=False)
    if output.exists():
        raise RefusedError(f"文件已存在，不覆盖 / {output} exists; not overwriting", field="--output")
    with cli_session(db, migrate=False) as session:
        result = archive(session, before=datetime(day.year, day.month, day.day, tzinfo=UTC), path=str(output))
    sys.stdout.write(
        f"已归档 {result.archived} 条（#{result.first_seq}–#{result.last_seq}）至 {output} / "
        f"archived {result.archived} entries to {output}\n"
    )
