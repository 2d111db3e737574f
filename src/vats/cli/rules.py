"""`vats rules list|show ID|coverage [FILE]`: browse the rules library and its coverage of provisions."""

from __future__ import annotations

from pathlib import Path

import click
import typer

from vats.cli.common import OutputFormat, print_json
from vats.model.errors import ExitCode, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="规则库 / The rules library")


@app.command("list")
def list_rules(output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f")) -> None:
    """列出全部规则 / List every rule."""
    from vats.reference.rules_library import default_library

    rules = default_library().rules
    if output is OutputFormat.JSON:
        print_json(
            [{"id": r.id, "kind": r.kind, "title_zh": r.title.zh, "title_en": r.title.en} for r in rules]
        )
        return
    from rich.markup import escape
    from rich.table import Table

    from vats.cli.obligations import wide_console

    table = Table(title=f"规则 / Rules ({len(rules)})")
    for head in ("ID", "类型 / Kind", "标题 / Title", "依据 / Sources"):
        table.add_column(head, overflow="fold")
    for r in rules:
        sources = "; ".join(f"{s.ref.label()} [{s.ref.reliability.value}]" for s in r.sources)
        flag = " ⚠ UNCONFIRMED" if r.unconfirmed else ""
        table.add_row(r.id, r.kind.value, escape(f"{r.title.zh}\n{r.title.en}{flag}"), escape(sources))
    wide_console().print(table)


@app.command("show")
def show_rule(
    rule_id: str = typer.Argument(..., help="规则 ID / rule id"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
) -> None:
    """显示一条规则 / Show one rule in full."""
    from vats.reference.rules_library import default_library

    rule = default_library().rule(rule_id)
    if rule is None:
        known = ", ".join(r.id for r in default_library().rules)
        raise InputError(f"没有此规则 / no rule {rule_id!r}; known: {known}", field="ID")
    if output is OutputFormat.JSON:
        print_json(rule)
        return
    echo = typer.echo
    echo(f"{rule.id}  [{rule.kind.value}]  ({Path(rule.file).name}:{rule.line})")
    echo(f"{rule.title.zh}\n{rule.title.en}\n")
    echo(f"{rule.explanation.zh}\n{rule.explanation.en}\n")
    echo("依据 / Sources:")
    for s in rule.sources:
        period = ""
        if s.valid_from or s.valid_until:
            period = f"  ({s.valid_from or '…'} – {s.valid_until or '…'})"
        echo(
            f"  - {s.ref.label()} [{s.ref.reliability.value}]{period}"
            f"{' — ' + s.ref.note if s.ref.note else ''}"
        )
    t = rule.trigger
    echo(
        f"触发 / Trigger: {t.type}{' ' + t.event if t.event else ''}"
        f"{' per ' + t.per if t.per != 'licence' else ''}"
    )
    if t.when:
        echo(f"  when: {dict(t.when)}")
    if t.window:
        echo(
            f"  window: months {t.window.start_month}–{t.window.end_month}, "
            f"year offset {t.window.year_offset}"
            f"{', ' + t.window.eligibility if t.window.eligibility else ''}"
        )
    if rule.deadline:
        d = rule.deadline
        amount = f"{d.offset}" if d.offset is not None else f"by level {dict(d.period_by_level)}"
        setting = f" (configurable: numbers.{d.setting})" if d.setting else ""
        echo(f"期限 / Deadline: {amount} {d.unit} {d.direction}, roll {d.roll}{setting}")
    a = rule.applies
    echo(
        f"适用 / Applies: services={list(a.services) or 'all'} subtypes={list(a.subtypes)} "
        f"sites={list(a.site_kinds)} scope={a.scope} conditions={list(a.conditions)}"
    )
    if rule.satisfied_by:
        echo(f"证据 / Satisfied by: {', '.join(rule.satisfied_by)}")
    if rule.violated_by:
        echo(f"违反 / Violated by: {', '.join(rule.violated_by)}")
    att = rule.attest_every
    if att is not None:
        basis = f"source: {att.source.label()}" if att.source else f"configurable: numbers.{att.setting}"
        echo(f"复核周期 / Attest every: {att.period} {att.unit} ({basis}); event control_attested")
    if rule.unconfirmed:
        echo("⚠ 来源未经核实，数字可配置 / UNCONFIRMED source: the number is configurable")


@app.command("coverage")
def coverage_command(
    file: Path | None = typer.Argument(None, help="许可证文件；省略时显示标准条款映射 / licence file"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
) -> None:
    """特别规定事项 → 规则 / Which rules cover each article and item of the special provisions."""
    from vats.rules.library import coverage, standard_coverage

    if file is None:
        rows = standard_coverage()
    else:
        from vats.cli.obligations import load_licences

        licence = load_licences([file])[0]
        if not licence.provisions:
            raise InputError("许可证中没有识别到特别规定事项 / no special provisions found", source=str(file))
        rows = coverage(licence.provisions)
    unmapped = [r.label for r in rows if not r.mapped]
    if output is OutputFormat.JSON:
        print_json(
            [
                {
                    "article": r.article,
                    "item": r.item,
                    "label": r.label,
                    "rules": r.rules,
                    "informational": r.informational,
                    "mapped": r.mapped,
                }
                for r in rows
            ]
        )
    else:
        from rich.table import Table

        from vats.cli.obligations import wide_console

        table = Table(title="特别规定事项覆盖 / Coverage of the special provisions")
        for head in ("条款 / Article", "规则 / Rules", "说明 / Note"):
            table.add_column(head, overflow="fold")
        for r in rows:
            if not r.mapped:
                table.add_row(r.label, "—", "未映射 / UNMAPPED: " + r.text[:40], style="bold red")
            elif r.informational:
                table.add_row(
                    r.label, "(informational)", f"{r.informational.zh}\n{r.informational.en}", style="dim"
                )
            else:
                table.add_row(r.label, "\n".join(r.rules), "")
        wide_console().print(table)
        typer.echo(f"{len(rows) - len(unmapped)}/{len(rows)} 已映射 / mapped")
    if unmapped:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))
