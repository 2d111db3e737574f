"""`vats audit FILE [--as-of DATE] [--events FILE] [--format json|text]`: validate, list findings.

Exit status is the CI contract: 0 when nothing is high or critical, 1 otherwise, 2 for unusable
input (unreadable file, bad date). Heavy modules (Rich) load only for `--format text`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import click

from vats.model.errors import ExitCode
from vats.model.findings import Finding, Severity
from vats.model.obligations import Event

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


@click.command(name="audit")
@click.argument("file", metavar="FILE")
@click.option(
    "--as-of", "as_of", metavar="DATE", help="评估日期 / assessment date (YYYY-MM-DD, default today)"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="text",
    show_default=True,
    help="json: 机器可读 / machine-readable; text: 表格 / a table",
)
@click.option(
    "--events",
    "events",
    multiple=True,
    metavar="EVENTS.yaml",
    help="已发生事件（可多次）/ recorded events, so done duties are not reported (repeatable)",
)
@click.option(
    "--settings",
    "settings",
    metavar="SETTINGS.yaml",
    help="引擎设置覆盖（与 obligations 相同）/ engine overrides, as for `vats obligations`",
)
def audit_command(
    file: str, as_of: str | None, fmt: str, events: tuple[str, ...], settings: str | None
) -> None:
    """校验许可证并列出问题 / Validate a licence and list findings (exit 1 on high/critical)."""
    from vats.cli.common import parse_date
    from vats.cli.parse import load
    from vats.rules.audit import audit_licence

    day = parse_date(as_of, field="--as-of")
    licence = load(file)
    recorded: tuple[Event, ...] = ()
    if events:
        from vats.rules.events import load_many

        recorded = tuple(load_many(list(events)))
    overrides = None
    if settings is not None:
        from vats.rules.settings import load_settings

        overrides = load_settings(settings)
    findings = audit_licence(licence, as_of=day, events=recorded, settings=overrides)
    gating = any(f.severity.gates for f in findings)
    if fmt == "json":
        from vats.cli.common import print_json

        print_json(report(licence.number, day, findings))
    else:
        print_table(licence.number, licence.company, day, findings)
    if gating:
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def report(number: str, as_of: date, findings: list[Finding]) -> dict[str, Any]:
    """The JSON document: the findings plus counts per severity and the exit status they imply."""
    counts = Counter(f.severity.value for f in findings)
    return {
        "licence": number,
        "as_of": as_of,
        "summary": {s.value: counts.get(s.value, 0) for s in Severity},
        "passed": not any(f.severity.gates for f in findings),
        "findings": findings,
    }


def print_table(number: str, company: str, as_of: date, findings: list[Finding]) -> None:
    """A Rich table, Chinese first with the English message under it; sources and source lines."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    console.print(
        Text(f"{number}  {company}  评估日 / as of {as_of}", style="bold"),
    )
    if not findings:
        console.print("未发现问题 / no findings")
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("级别 / Severity", no_wrap=True)
    table.add_column("问题 / Finding", ratio=3, overflow="fold")
    table.add_column("依据 / Source", ratio=1, overflow="fold")
    table.add_column("行 / Line", no_wrap=True, justify="right")
    for f in findings:
        lines = sorted({e.line for e in f.evidence if e.line is not None})
        message = Text(f.message_zh + "\n")
        message.append(f.message_en, style="dim")
        message.append(f"\n{f.id}", style="italic dim")
        sources = "\n".join(f"{s.label()} [{s.reliability.value}]" for s in f.sources)
        table.add_row(
            Text(f"{f.severity.zh} / {f.severity.value}", style=_SEVERITY_STYLE[f.severity]),
            message,
            Text(sources),
            ", ".join(str(n) for n in lines) or "—",
        )
    console.print(table)
    counts = Counter(f.severity for f in findings)
    summary = "  ".join(f"{s.zh}/{s.value}: {counts[s]}" for s in Severity if counts[s])
    console.print(Text(summary, style="bold"))
