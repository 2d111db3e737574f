"""`vats calendar …`: working-day arithmetic, the holiday data, importing a year, ICS export."""

from __future__ import annotations

from pathlib import Path

import typer

from vats.cli.common import OutputFormat, parse_date, print_json
from vats.model.clock import now_utc
from vats.model.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="工作日日历与 ICS / Working-day calendar")
workdays = typer.Typer(add_completion=False, no_args_is_help=True, help="工作日计算 / Working-day arithmetic")
app.add_typer(workdays, name="workdays")


@workdays.command("add")
def workdays_add(
    day: str = typer.Argument(..., metavar="DATE"),
    n: int = typer.Argument(..., metavar="N", help="正数向后，负数向前 / negative counts backwards"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
) -> None:
    """DATE 之后第 N 个工作日（DATE 当日不计）/ The N-th working day after DATE."""
    from vats.rules.calendar import default_calendar

    cal = default_calendar()
    start = parse_date(day, field="DATE", default_today=False)
    result = cal.add_period(start, abs(n), "working_days", "after" if n >= 0 else "before")
    if output is OutputFormat.JSON:
        print_json(
            {
                "date": result.date,
                "provisional": result.provisional,
                "reason": result.reason,
                "steps": [[s.zh, s.en] for s in result.steps],
            }
        )
        return
    typer.echo(result.date.isoformat())
    if result.provisional:
        typer.echo(f"暂定 / provisional: {result.reason}", err=True)


@workdays.command("between")
def workdays_between(
    a: str = typer.Argument(..., metavar="A"),
    b: str = typer.Argument(..., metavar="B"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
) -> None:
    """A 之后到 B（含）之间的工作日数 / Working days after A up to and including B."""
    from vats.rules.calendar import default_calendar

    cal = default_calendar()
    start, end = parse_date(a, field="A", default_today=False), parse_date(b, field="B", default_today=False)
    count = cal.working_days_between(start, end)
    reason = cal.provisional_reason(start, end)
    if output is OutputFormat.JSON:
        print_json({"working_days": count, "provisional": reason is not None, "reason": reason})
        return
    typer.echo(str(count))
    if reason:
        typer.echo(f"暂定 / provisional: {reason}", err=True)


@app.command("show")
def show(
    year: int = typer.Argument(..., metavar="YEAR"),
    output: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
) -> None:
    """显示某年的放假与调休安排 / Show a year's holidays and make-up working days."""
    from vats.rules.calendar import default_calendar

    data = default_calendar().years.get(year)
    if data is None:
        raise InputError(
            f"{year} 年节假日安排未载入；公布后可用 `vats calendar import FILE` 导入 / "
            f"{year} holiday notice not loaded; add it with `vats calendar import FILE`",
            field="YEAR",
        )
    if output is OutputFormat.JSON:
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{year} 年节假日安排 / {year} official holidays — {data.notice}")
    for head in ("节日 / Holiday", "放假 / Days off", "天数 / Days", "调休上班 / Make-up working days"):
        table.add_column(head)
    for h in data.holidays:
        days = (h.end - h.start).days + 1
        makeup = ", ".join(f"{d} ({'六日'[d.weekday() - 5]})" for d in h.makeup) or "—"
        table.add_row(f"{h.name_zh} / {h.name_en}", f"{h.start} – {h.end}", str(days), makeup)
    Console().print(table)
    typer.echo(f"来源 / source: {data.source} [{data.reliability}]")


@app.command("import")
def import_year(
    file: Path = typer.Argument(..., metavar="FILE", help="YAML 或 CSV（date,kind,name_zh,name_en）"),
    to: Path | None = typer.Option(None, "--to", help="目标目录或文件 / target directory or .yaml file"),
    replace: bool = typer.Option(False, "--replace", help="替换已有年份 / replace a year already loaded"),
) -> None:
    """校验并导入一年的节假日安排 / Validate and add a year's official holiday notice."""
    from vats.reference.calendar_data import import_year_file
    from vats.rules.calendar import default_calendar

    data, target = import_year_file(file, to=to, replace=replace)
    default_calendar.cache_clear()
    typer.echo(
        f"已导入 {data.year} 年（{len(data.holidays)} 个假期，{len(data.makeup_days)} 个调休日）→ {target}"
    )
    typer.echo(
        f"imported {data.year}: {len(data.holidays)} holidays, "
        f"{len(data.makeup_days)} make-up days -> {target}"
    )


@app.command("ics")
def ics(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="许可证文件 / licence files"),
    out: Path = typer.Option(..., "--output", "-o", help="输出 .ics / output file"),
    events: list[Path] = typer.Option([], "--events", "-e", help="事件 YAML / events file"),
    alarms: str = typer.Option("30,7,1", "--alarms", help="提前提醒天数 / reminder days before"),
    as_of: str | None = typer.Option(None, "--as-of", help="基准日 / evaluation date (default today)"),
    settings: Path | None = typer.Option(None, "--settings", help="引擎设置覆盖 / engine overrides"),
) -> None:
    """导出义务日历（RFC 5545）/ Export dated obligations as an iCalendar file."""
    from vats.cli.obligations import evaluate_files
    from vats.report.ics import obligations_to_ics, parse_alarms

    reminders = parse_alarms(alarms)
    day = parse_date(as_of, field="--as-of")
    evaluation = evaluate_files(files, events, day, settings)
    try:
        previous = out.read_bytes() if out.is_file() else None
    except OSError as exc:
        raise InputError(
            f"无法读取已有日历 / cannot read the existing calendar: {exc}", source=str(out)
        ) from None
    data = obligations_to_ics(
        evaluation.obligations,
        now=now_utc().replace(microsecond=0),
        alarms=reminders,
        previous=previous,
    )
    from vats.report.files import write_bytes

    try:  # all or nothing: a failed export never leaves a half-written calendar behind
        write_bytes(out, data)
    except OSError as exc:
        raise InputError(f"无法写入 / cannot write the calendar: {exc.strerror}", source=str(out)) from None
    count = data.count(b"BEGIN:VEVENT")
    typer.echo(f"已写入 {count} 个事件 → {out} / wrote {count} events to {out}")
