"""`vats lists match`: a saved regulator list (不良/失信/拟注销/发放) against the portfolio and
counterparties, with the column mapping shown first so a wrong guess is visible."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer

from vats.cli.common import OutputFormat, print_json
from vats.model.errors import ExitCode, InputError
from vats.store.scope import scope_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.checks.regulator_lists import Party

app = typer.Typer(add_completion=False, help="监管名单 / Regulator lists", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """监管名单 / Regulator lists (不良、失信、拟注销、发放名单)."""


def _read(path: Path, what: str) -> bytes:
    from vats.checks.regulator_lists import MAX_BYTES

    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"文件超过 {MAX_BYTES} 字节 / larger than {MAX_BYTES} bytes", field=what)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 / cannot read file: {exc.strerror}", field=what) from None


def _counterparties(path: Path) -> list[Party]:
    """A counterparty file: CSV with columns kind,name,uscc,licence (header required)."""
    import csv
    import io

    from vats.checks.regulator_lists import Party, decode_text

    text = decode_text(_read(path, "--counterparties"))
    out = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        kind = (row.get("kind") or "counterparty").strip() or "counterparty"
        out.append(
            Party(
                kind=kind[:30],
                name=(row.get("name") or "").strip() or None,
                uscc=(row.get("uscc") or "").strip() or None,
                licence=(row.get("licence") or "").strip() or None,
                label=f"{path.name}:{line}",
            )
        )
    return out


def _portfolio(db: str | None) -> list[Party]:
    from vats.store.db import database_url, make_engine, session_scope
    from vats.store.parties import portfolio_parties

    engine = make_engine(database_url(db))
    try:
        with session_scope(engine, actor="cli") as s:
            return portfolio_parties(s)
    finally:
        engine.dispose()


@app.command("match")
def match_command(
    file: Path = typer.Argument(..., help="保存的名单（CSV、XLSX、HTML 或文本）/ saved list"),
    kind: str = typer.Option("bad", "--kind", help="bad | dishonest | to_cancel | issued"),
    mapping: list[str] = typer.Option([], "--map", help="字段=列（如 name=2 或 经营者名称=企业名称）"),
    counterparties: Path | None = typer.Option(
        None, "--counterparties", help="交易方 CSV（kind,name,uscc,licence）"
    ),
    portfolio: bool = typer.Option(True, "--portfolio/--no-portfolio", help="与数据库中的组织和许可证比对"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """比对监管名单 / Match a saved list; exit 1 when a holding or licence is on it."""
    from vats.checks.regulator_lists import (
        COLUMNS,
        LIST_KINDS,
        entries,
        guess_mapping,
        hit_findings,
        match,
        parse_mapping,
        read_table,
    )

    if kind not in LIST_KINDS:
        raise InputError(f"应为 {', '.join(LIST_KINDS)} 之一 / unknown list kind {kind!r}", field="--kind")
    table = read_table(_read(file, "file"), filename=file.name)
    columns = guess_mapping(table.header) | parse_mapping(mapping, table.header)
    items = entries(table, columns)
    parties = (_portfolio(db) if portfolio else []) + (
        _counterparties(counterparties) if counterparties else []
    )
    findings = hit_findings(match(items, parties), list_kind=kind, source=file.name)
    if fmt is OutputFormat.JSON:
        print_json(
            {
                "mapping": {COLUMNS[k]: table.header[i] for k, i in columns.items()},
                "rows": len(items),
                "parties": len(parties),
                "findings": findings,
            }
        )
    else:
        out = sys.stdout
        out.write(f"{LIST_KINDS[kind]} · {file.name} · {len(items)} 行 / rows · {len(parties)} 个比对对象\n")
        for k, label in COLUMNS.items():
            out.write(
                f"  {label} ← {table.header[columns[k]] if k in columns else '（未映射 / not mapped）'}\n"
            )
        for line, row in table.rows[:3]:
            out.write(f"  第 {line} 行: {' | '.join(row)[:160]}\n")
        for f in findings:
            out.write(
                f"[{f.severity.value}] {f.message_zh}\n    {f.evidence[0].note} 第 {f.evidence[0].line} 行\n"
            )
        out.write(f"\n{len(findings)} 项命中 / hits\n")
    if any(f.severity.gates for f in findings):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def _org_id(session: Session, ref: str) -> int:
    from vats.store.organisations import find_organisation

    return find_organisation(session, ref).id


@app.command("import")
def import_command(
    file: Path | None = typer.Argument(None, help="保存的名单（CSV、XLSX、HTML 或文本）/ saved list"),
    org: str = typer.Option(..., "--org", help="组织（编号、信用代码或名称）/ organisation"),
    kind: str = typer.Option("bad", "--kind", help="bad | dishonest | to_cancel | issued"),
    mapping: list[str] = typer.Option([], "--map", help="字段=列（如 name=2 或 经营者名称=企业名称）"),
    url: str | None = typer.Option(
        None, "--url", help="公开网页地址（经爬虫的地址防护获取）/ public page URL"
    ),
    owner: str | None = typer.Option(None, "--owner", help="命中负责人 / owner of new hits"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """导入并保存名单，与组织、许可证和交易方比对；每个命中记录一次 / Import, store and match a list."""
    from vats.checks.regulator_lists import COLUMNS, parse_mapping, read_table
    from vats.registers.watchlists import service
    from vats.store.db import cli_session

    if (file is None) == (url is None):
        raise InputError("请给出文件或 --url（二选一）/ give a file or --url", field="file")
    if file is not None:
        data, name, source_url = _read(file, "file"), file.name, None
    else:
        assert url is not None
        data, name = service.fetch_list(url)
        source_url = url
    header = read_table(data, filename=name).header
    chosen = parse_mapping(mapping, header)
    with cli_session(db) as session:
        done = service.import_list(
            session,
            organisation_id=_org_id(session, org),
            kind=kind,
            data=data,
            filename=name,
            actor=scope_of(session).actor,
            mapping=chosen,
            source_url=source_url,
            owner=owner,
        )
        stored = done.regulator_list
        summary: dict[str, Any] = {
            "id": stored.id,
            "rows": stored.rows,
            "mapping": {COLUMNS[k]: v for k, v in stored.mapping.items()},
            "hits": done.hits,
            "new_findings": [f.message_zh for f in done.new_findings],
            "known_findings": done.known_findings,
        }
    if fmt is OutputFormat.JSON:
        print_json(summary)
        return
    out = sys.stdout
    out.write(f"名单 {summary['id']} · {summary['rows']} 行 / rows · 命中 {summary['hits']}\n")
    for label, column in summary["mapping"].items():
        out.write(f"  {label} ← {column}\n")
    for message in summary["new_findings"]:
        out.write(f"[新] {message}\n")
    out.write(f"新增命中 {len(summary['new_findings'])} · 已记录过 {summary['known_findings']}\n")


@app.command("findings")
def findings_command(
    org: str | None = typer.Option(None, "--org", help="组织 / organisation"),
    status: str | None = typer.Option(None, "--status", help="open | closed"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """名单命中（已保存）/ Stored list findings."""
    from vats.registers.watchlists import service
    from vats.store.db import cli_session

    with cli_session(db) as session:
        org_id = _org_id(session, org) if org else None
        keys = ("id", "severity", "message_zh", "owner", "status", "evidence")
        rows = [
            {k: getattr(f, k) for k in keys}
            for f in service.list_findings(session, organisation_id=org_id, status=status)
        ]
    if fmt is OutputFormat.JSON:
        print_json(rows)
        return
    for r in rows:
        sys.stdout.write(
            f"{r['id']} [{r['severity']}] {r['message_zh']}（负责人 {r['owner']}，{r['status']}）\n"
        )
    sys.stdout.write(f"{len(rows)} 项 / findings\n")


@app.command("counterparties")
def counterparties_command(
    file: Path = typer.Argument(..., help="交易方 CSV（角色,名称,统一社会信用代码,许可证编号,备注）"),
    org: str = typer.Option(..., "--org", help="组织 / organisation"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """导入交易方（整份文件校验通过才写入）/ Import counterparties from CSV."""
    from vats.registers.watchlists import counterparties
    from vats.store.db import cli_session

    data = _read(file, "file")
    with cli_session(db) as session:
        added, skipped = counterparties.import_counterparties(
            session, organisation_id=_org_id(session, org), data=data, filename=file.name
        )
    sys.stdout.write(f"已添加 {added} · 已存在而跳过 {skipped}\n")
