"""`vats obligations FILE... [--events EVENTS.yaml] [--as-of DATE] [--format json|text]`.

Reads licences (documents through the ingest parser, or JSON from `vats parse --format json`), evaluates
the rules engine and prints obligations: overdue first, then by due date. Text mode is a coloured Rich
table; `--explain` adds each obligation's step-by-step derivation.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
import typer

from vats.cli.common import OutputFormat, parse_date, print_json
from vats.model.errors import ExitCode, InputError

if TYPE_CHECKING:
    from rich.console import Console

    from vats.model.licence import Licence
    from vats.model.obligations import Evaluation, Event, Obligation
    from vats.rules.settings import EngineSettings

STATUS_STYLE = {
    "overdue": "bold red",
    "due_soon": "yellow",
    "upcoming": "",
    "satisfied": "green",
    "waived": "dim",
    "not_applicable": "dim",
}


def _read_json_licence(path: Path) -> Licence:
    from vats.model.licence import Licence
    from vats.model.serialise import from_jsonable

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return from_jsonable(Licence, data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"无法读取许可证 JSON / cannot read licence JSON: {exc}", source=str(path)) from None
    except ValueError as exc:  # pydantic ValidationError
        raise InputError(
            f"许可证 JSON 不符合结构 / licence JSON does not match the schema: {exc}", source=str(path)
        ) from None


def load_licences(paths: Sequence[Path]) -> list[Licence]:
    """Licences from documents (ingest parser) or from `vats parse` JSON output."""
    if not paths:
        raise InputError("至少需要一个许可证文件 / give at least one licence file", field="FILE")
    out: list[Licence] = []
    for path in paths:
        if not path.is_file():
            raise InputError("文件不存在 / no such file", source=str(path))
        if path.suffix.lower() == ".json":
            out.append(_read_json_licence(path))
            continue
        from vats.ingest.document import read_licence

        out.append(read_licence(path))
    return out


def load_inputs(events: Sequence[Path], settings: Path | None) -> tuple[list[Event], EngineSettings | None]:
    from vats.rules.events import load_many
    from vats.rules.settings import load_settings

    return load_many(list(events)), (load_settings(settings) if settings is not None else None)


def evaluate_files(
    files: Sequence[Path], events: Sequence[Path], as_of: date, settings: Path | None = None
) -> Evaluation:
    """The service behind `vats obligations` and `vats calendar ics`."""
    from vats.rules.engine import evaluate

    licences = load_licences(files)
    event_list, engine_settings = load_inputs(events, settings)
    return evaluate(licences, event_list, as_of, settings=engine_settings)


def wide_console() -> Console:
    """A Rich console; when piped (no terminal) use a wide fixed width so rows stay readable."""
    from rich.console import Console

    probe = Console()
    return Console(highlight=False, width=None if probe.is_terminal else 160)


def render_text(evaluation: Evaluation, *, explain: bool = False, include_continuous: bool = True) -> None:
    """A Rich table (colours only on a terminal); explanations under it when asked."""
    from rich.markup import escape
    from rich.table import Table

    from vats.rules.explain import STATUS_TEXT

    console = wide_console()
    table = Table(title=f"义务与期限 / Obligations (截至 as of {evaluation.as_of})", show_lines=False)
    for head in (
        "状态 / Status",
        "期限 / Due",
        "许可证 / Licence",
        "义务 / Obligation",
        "对象 / Subject",
        "备注 / Notes",
    ):
        table.add_column(head, overflow="fold")
    from vats.rules.controls import is_control

    shown = [o for o in evaluation.obligations if not is_control(o)]
    controls = [o for o in evaluation.obligations if is_control(o)] if include_continuous else []
    for o in shown:
        style = STATUS_STYLE[o.status.value]
        notes = []
        if o.late:
            notes.append(f"逾期完成 late ({o.completed_on})")
        elif o.completed_on:
            notes.append(f"完成 done {o.completed_on}")
        if o.provisional:
            notes.append(f"暂定 provisional: {o.provisional_reason}")
        if o.conditional:
            notes.append(o.conditional)
        table.add_row(
            f"{STATUS_TEXT[o.status][0]} {o.status.value}",
            _due_text(o),
            o.licence,
            escape(f"{o.title_zh}\n{o.title_en}"),
            escape(o.subject or ""),
            escape("\n".join(notes)),
            style=style,
        )
    console.print(table)
    overdue = sum(1 for o in shown if o.status.value == "overdue")
    console.print(f"共 {len(shown)} 项，逾期 {overdue} 项 / {len(shown)} obligations, {overdue} overdue")
    if controls:
        render_controls(console, controls)
    if explain:
        for o in (*shown, *controls):
            console.print(f"\n[bold]{o.rule_id}[/bold] {o.licence} {o.subject or ''}")
            for line in o.explanation:
                console.print(line, markup=False)


def obligations_command(
    files: list[Path] = typer.Argument(
        ..., help="许可证文件（文本/PDF/JSON）/ licence files", show_default=False
    ),
    events: list[Path] = typer.Option([], "--events", "-e", help="事件 YAML / events file (repeatable)"),
    as_of: str | None = typer.Option(None, "--as-of", help="基准日 / evaluation date (default today)"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", help="json | text"),
    settings: Path | None = typer.Option(None, "--settings", help="引擎设置覆盖 YAML / engine overrides"),
    explain: bool = typer.Option(False, "--explain", help="显示推导过程 / show each derivation"),
    dated_only: bool = typer.Option(
        False, "--dated-only", help="只显示有期限的义务 / hide continuous duties"
    ),
    fail_on_overdue: bool = typer.Option(
        False, "--fail-on-overdue", help="有逾期时退出码 1 / exit 1 if overdue"
    ),
) -> None:
    """义务与期限 / Obligations and due dates (overdue first, then by due date)."""
    day = parse_date(as_of, field="--as-of")
    evaluation = evaluate_files(files, events, day, settings)
    if output is OutputFormat.JSON:
        obligations = [o for o in evaluation.obligations if not dated_only or o.due_date is not None]
        print_json({"as_of": day, "obligations": obligations, "findings": evaluation.findings})
    else:
        render_text(evaluation, explain=explain, include_continuous=not dated_only)
    sys.stdout.flush()
    if fail_on_overdue and any(
        o.status.value == "overdue" and not o.conditional for o in evaluation.obligations
    ):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def render_controls(console: Console, controls: Sequence[Obligation]) -> None:
    """The control list: each standing duty with its last evidence, next review date and status."""
    from rich.markup import escape
    from rich.table import Table

    from vats.rules.controls import control_row

    table = Table(title="控制项 / Controls", show_lines=False)
    for head in (
        "状态 / Status",
        "许可证 / Licence",
        "控制项 / Control",
        "上次证据 / Last evidence",
        "下次复核 / Next review",
    ):
        table.add_column(head, overflow="fold")
    rows = sorted((control_row(o) for o in controls), key=_control_order)
    for c in rows:
        o = c.obligation
        last = (
            (f"{c.last_on}（{c.last_event}）" if c.last_event else str(c.last_on)) if c.last_on else "无 none"
        )
        review = str(c.next_review) if c.next_review else ("立即 now" if c.periodic else "—")
        title = f"{o.title_zh}{f'（{o.subject}）' if o.subject else ''}"
        table.add_row(
            f"{c.status_zh} {o.status.value}",
            o.licence,
            escape(f"{title}\n{o.title_en}"),
            escape(last),
            review,
            style=STATUS_STYLE[o.status.value],
        )
    console.print(table)
    due = sum(1 for c in rows if c.obligation.status.value in ("overdue", "due_soon"))
    console.print(f"控制项 {len(rows)} 项，待复核 {due} 项 / {len(rows)} controls, {due} due for review")


def _control_order(c: Any) -> tuple[Any, ...]:
    """Overdue reviews first, then due now, due soon, current, standing."""
    rank = {"overdue": 0, "due_soon": 1, "upcoming": 3, "satisfied": 2, "waived": 4, "not_applicable": 5}
    o = c.obligation
    return (rank[o.status.value], c.next_review or date.max, o.licence, o.rule_id, o.subject or "")


def _due_text(o: Obligation) -> str:
    """The due date, or for deadlines counted in hours the Beijing time to the minute."""
    from vats.model.clock import minute_text

    if o.due_at is not None:
        return f"{minute_text(o.due_at)} 北京时间"
    return str(o.due_date) if o.due_date else "持续 continuous"


ACTIONS: dict[str, str] = {
    "list": "列出存储的义务及编号 / Stored obligations with their ids",
    "show": "显示一项义务 / Show one obligation",
    "complete": "记录完成（附证据）/ Record an obligation as done, with evidence",
    "assign": "指定负责人 / Assign an owner",
    "waive": "申请豁免 / Ask for a waiver (a second person approves)",
    "approve": "批准豁免 / Approve a waiver request",
    "reject": "驳回豁免 / Reject a waiver request",
    "reopen": "重新打开 / Reopen a completed or waived obligation",
}


_FILES = "\x00files"  # marks "no action given: evaluate files"


class ObligationsGroup(click.Group):
    """`vats obligations FILE…` evaluates licence files; `vats obligations complete ID …` and the other
    ACTIONS act on one stored obligation (their module loads only when one of them runs)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(ACTIONS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in ACTIONS:
            return None
        import typer.main

        from vats.cli.workspace import app

        group = typer.main.get_command(app)
        return group.get_command(ctx, cmd_name)  # type: ignore[attr-defined, no-any-return]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in ACTIONS and args[0] not in ("-h", "--help"):
            ctx._protected_args, ctx.args = [_FILES], list(args)  # the file command parses them all
            return ctx.args
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] == _FILES:
            return "obligations", _files_command(), args[1:]
        return super().resolve_command(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        files = _files_command()
        with click.Context(files, info_name="obligations", parent=ctx.parent) as sub:
            files.format_help(sub, formatter)
        formatter.write_paragraph()
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Actions on a stored obligation"):
            formatter.write_dl(list(ACTIONS.items()))


def _files_command() -> click.Command:
    import typer.main

    single = typer.Typer(add_completion=False)
    single.command(name="obligations")(obligations_command)
    command: Any = typer.main.get_command(single)  # Typer's vendored click: same protocol
    return cast(click.Command, command)


command = ObligationsGroup(
    name="obligations",
    help="义务与期限 / Obligations: `vats obligations FILE…` evaluates licence files; the actions below "
    "act on a stored obligation by its id.",
    no_args_is_help=True,
)
