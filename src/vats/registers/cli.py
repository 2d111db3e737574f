"""Command-line plumbing every register shares: --db/--actor/--json, prompts, and output.

Prompts follow one rule: ask only when stdin is a terminal and the option is missing; in scripts and
pipes a missing option is an error (exit 2), never a hang waiting for input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from vats.cli.common import parse_date, print_json
from vats.model.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.registers.base import RegisterColumns
    from vats.registers.schemas import RecordOut
    from vats.registers.states import StateMachine
    from vats.registers.vocab import ListName
    from vats.store.listing import ListResult

T = TypeVar("T")

DbOpt = Annotated[str | None, typer.Option("--db", help="数据库 URL / database URL ($VATS_DATABASE_URL)")]
ActorOpt = Annotated[
    str | None, typer.Option("--actor", help="操作人 / who is acting (default: $VATS_ACTOR or the OS user)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")]
VersionOpt = Annotated[int | None, typer.Option("--expected-version", help="读取时的版本 / version you read")]
LicenceOpt = Annotated[str | None, typer.Option("--licence", help="许可证编号 / licence")]
OwnerOpt = Annotated[str | None, typer.Option("--owner", help="负责人 / owner")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注 / note")]
PageOpt = Annotated[int, typer.Option("--page", min=1, help="页码 / page number")]
PerPageOpt = Annotated[int, typer.Option("--per-page", min=1, max=500, help="每页条数 / rows per page")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="期限计算日 / deadlines as of (YYYY-MM-DD)")]


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False)


@contextmanager
def open_session(db: str | None, actor: str | None) -> Iterator[Session]:
    """A committed-on-success session on the chosen database, migrated to the current schema."""
    from vats.store.db import cli_session

    with cli_session(db, actor=actor) as session:
        yield session


def interactive() -> bool:
    return sys.stdin.isatty()


def ask(value: T | None, *, option: str, prompt: str, convert: Callable[[str], T]) -> T:
    """The option's value; if missing, prompt on a terminal, otherwise fail naming the option."""
    if value is not None:
        return value
    if not interactive():
        raise InputError(f"缺少必填选项 / missing required option {option}", field=option)
    return convert(typer.prompt(prompt))


def ask_text(value: str | None, *, option: str, prompt: str) -> str:
    return ask(value, option=option, prompt=prompt, convert=str)


def ask_date(value: str | None, *, option: str, prompt: str) -> date:
    text = ask(value, option=option, prompt=f"{prompt} (YYYY-MM-DD)", convert=str)
    return parse_date(text, field=option, default_today=False)


def ask_code(value: str | None, *, option: str, prompt: str, vocab: ListName) -> str:
    """A vocabulary code; the prompt lists the codes with their labels."""
    if value is None and interactive():
        from vats.registers.vocab import vocabulary

        for term in vocabulary().terms(vocab).items:
            typer.echo(f"  {term.code:<22} {term.label}", err=True)
    return ask(value, option=option, prompt=prompt, convert=str)


def optional_date(value: str | None, *, option: str) -> date | None:
    return None if value is None else parse_date(value, field=option, default_today=False)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    return str(value)


def due_cells(item: RecordOut) -> tuple[str, str]:
    """(due date, status) columns: the engine's answer, e.g. ('2026-10-16', 'late')."""
    if item.due is None:
        return "-", "-"
    if item.due.due_at is not None:  # hours: the Beijing time to the minute, not just the day
        due = item.due.due_at.replace("T", " ").removesuffix("+08:00") + " 北京时间"
    else:
        due = item.due.due_date.isoformat() if item.due.due_date else "-"
    return due, item.due.status + (" (provisional)" if item.due.provisional else "")


def print_list(items: Sequence[RecordOut], *, columns: Sequence[str], total: int, as_json: bool) -> None:
    """A table (or JSON) of records with the due date and obligation status the engine computed."""
    if as_json:
        print_json({"total": total, "items": [i.model_dump(mode="json") for i in items]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for name in ("id", "licence", "status", *columns, "due", "due_status"):
        table.add_column(name)
    for item in items:
        data = item.model_dump()
        table.add_row(*(_cell(data[c]) for c in ("id", "licence", "status", *columns)), *due_cells(item))
    console = Console()
    if not console.is_terminal:  # pipes and files get whole values, never "2026-…"
        console = Console(width=400)
    console.print(table)
    typer.echo(f"{len(items)} / {total}")


def print_record(item: RecordOut, *, as_json: bool) -> None:
    """One record as `field: value` lines (or JSON), ending with what is due and what may be done next."""
    if as_json:
        print_json(item.model_dump(mode="json"))
        return
    for name, value in item.model_dump(exclude={"due", "actions"}).items():
        if isinstance(value, list):  # attachments, follow-up reports: one line each
            typer.echo(f"{name:<16} {len(value)}")
            for entry in value:
                shown = entry.values() if isinstance(entry, dict) else (entry,)
                typer.echo("  - " + "  ".join(_cell(v) for v in shown))
            continue
        typer.echo(f"{name:<16} {_cell(value)}")
    due, status = due_cells(item)
    rule = item.due.rule_id if item.due else "-"
    typer.echo(f"{'due':<16} {due}  {status}  [{rule}]")
    typer.echo(f"{'actions':<16} {', '.join(item.actions) or '-'}")


def show_one(
    session: Session,
    record: RegisterColumns,
    *,
    schema: type[RecordOut],
    machine: StateMachine,
    as_json: bool,
    as_of: str | None = None,
) -> None:
    """Print one record with its engine-computed due date."""
    from vats.registers.generic.service import to_out

    day = optional_date(as_of, option="--as-of")
    print_record(to_out(session, schema, [record], machine=machine, as_of=day)[0], as_json=as_json)


def show_page(
    session: Session,
    result: ListResult[Any],
    *,
    schema: type[RecordOut],
    machine: StateMachine,
    columns: Sequence[str],
    as_json: bool,
    as_of: str | None = None,
) -> None:
    """Print one page of records (one engine run for the whole page)."""
    from vats.registers.generic.service import to_out

    day = optional_date(as_of, option="--as-of")
    items = to_out(session, schema, result.items, machine=machine, as_of=day)
    print_list(items, columns=columns, total=result.total, as_json=as_json)


def parse_datetime(text: str, *, option: str) -> datetime:
    """ISO date-time ("2026-09-28 14:30", "2026-09-28T14:30+08:00"); no zone means Beijing time."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"不是 ISO 日期时间 / not an ISO date-time: {text!r}", field=option) from None


def ask_datetime(value: str | None, *, option: str, prompt: str) -> datetime:
    text = ask(value, option=option, prompt=f"{prompt} (YYYY-MM-DD HH:MM)", convert=str)
    return parse_datetime(text, option=option)


def add_correct_command(
    app: typer.Typer, *, register: str, show: Callable[[Session, Any, bool], None]
) -> None:
    """`vats <register> correct ID --set field=value … --reason TEXT` (`registers.corrections`)."""

    @app.command("correct")
    def correct(
        record_id: Annotated[int, typer.Argument(help="记录编号 / record id")],
        assignments: Annotated[
            list[str] | None,
            typer.Option("--set", help="字段=更正后的值（可多次）/ field=value (repeatable)"),
        ] = None,
        reason: Annotated[str | None, typer.Option("--reason", help="更正原因 / why")] = None,
        expected_version: VersionOpt = None,
        db: DbOpt = None,
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """更正已登记的值（期限随之更新，原因留档）/ Correct recorded values; deadlines follow."""
        from vats.registers.corrections import correct_record

        changes: dict[str, str] = {}
        for item in assignments or []:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise InputError(f"--set 需要 字段=值 / --set takes field=value, not {item!r}", field="--set")
            changes[name.strip()] = value.strip()
        why = ask_text(reason, option="--reason", prompt="更正原因 / reason")
        with open_session(db, actor) as session:
            record = correct_record(
                session,
                register=register,
                record_id=record_id,
                changes=changes,
                reason=why,
                expected_version=expected_version,
            )
            show(session, record, as_json)
