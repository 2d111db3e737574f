"""`vats demo`: the main job end to end on the bundled example portfolio.

It audits a bundled example licence, lists the portfolio's obligations, writes the portfolio's PDF
compliance report, imports the example
portfolio (licences, events, declared inventory) into a demo SQLite database, creates a demo
login and serves the web UI — what a new user sees first (README, `make demo`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vats.model.errors import ExitCode

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from vats.model.licence import Licence
    from vats.model.obligations import Event

DEMO_USER = "demo"
DEFAULT_AS_OF = "2026-11-28"  # the examples' events are dated around this day


def demo_command(
    as_of: Annotated[str, typer.Option("--as-of", help="评估日期 / evaluation date")] = DEFAULT_AS_OF,
    db: Annotated[str | None, typer.Option("--db", help="演示数据库 / demo database URL")] = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="启动网页 / start the web UI")] = True,
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
) -> None:
    """演示：审计、义务、合规报告、导入示例组合并启动网页 / audit, obligations, report, import, serve."""
    from rich.console import Console
    from rich.rule import Rule

    from vats.cli.audit import print_table
    from vats.cli.common import parse_date
    from vats.cli.obligations import render_text
    from vats.ingest.document import read_licence
    from vats.reference.examples import example_events_path, example_paths
    from vats.rules.audit import audit_licence
    from vats.rules.engine import evaluate
    from vats.rules.events import load_events

    console = Console()
    day = parse_date(as_of, field="--as-of")
    if serve and not port_free(host, port):
        # before anything is imported or reset: a demo already serving keeps its database and password
        typer.echo(port_in_use_message(host, port), err=True)
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    paths = list(example_paths())
    licences = [read_licence(p) for p in paths]
    events = load_events(example_events_path())
    audited = licences[-1]  # the noisy 渝B2 scan that expires soon: the richest audit

    console.print(Rule(f"1. 审计 / audit — {paths[-1].name}"))
    print_table(audited.number, audited.company, day, audit_licence(audited, as_of=day, events=events))

    console.print(Rule(f"2. 义务 / obligations of {len(licences)} example licences"))
    render_text(evaluate(licences, events, day), include_continuous=False)

    console.print(Rule("3. 合规报告 / compliance report"))
    report = _write_report(licences, events, day, _demo_dir())
    console.print(f"已写入 / wrote {report}")

    url = db or os.environ.get("VATS_DEMO_DATABASE_URL") or f"sqlite:///{_demo_dir() / 'demo.db'}"
    console.print(Rule(f"4. 导入示例组合 / import the example portfolio into {url}"))
    password = _load_portfolio(url, paths, console)

    if not serve:
        return
    console.print(Rule("5. 网页 / web UI"))
    console.print(f"打开 / open http://{host}:{port}/  用户 / user: {DEMO_USER}  密码 / password: {password}")
    # the web evaluates on the same day as the summary above (`vats.model.clock` reads VATS_AS_OF)
    os.environ["VATS_AS_OF"] = day.isoformat()
    console.print(
        f"网页按 {day} 评估，与以上摘要一致 / the web UI evaluates as of {day}, like the summary above"
    )
    from vats.cli.serve import serve_command

    # The example sites are invented domains: scheduled homepage checks would only look them up on
    # the public Internet and fail, so the demo server runs reminders but no site checks.
    os.environ.setdefault("VATS_SCHEDULER_CHECKS", "0")
    serve_command(host=host, port=port, db=url, workers=1, scheduler=True, log_level="warning")


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (a running demo holds it)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed demo's TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_in_use_message(host: str, port: int) -> str:
    return (
        f"端口 {port} 已被占用：可能已有一个演示正在 http://{host}:{port}/ 运行，其数据库和密码保持不变。"
        f"请直接打开该地址，或换一个端口：make demo PORT={port + 1}\n"
        f"Port {port} is in use: a demo may already be serving at http://{host}:{port}/ (its database and "
        f"password are unchanged). Open it, or use another port: make demo PORT={port + 1}"
    )


def _write_report(licences: list[Licence], events: list[Event], day: date, directory: Path) -> Path:
    """The example portfolio's report, as `vats report` writes it: a PDF, or the HTML page when this
    machine cannot render PDFs (no Pango: `make system-deps` installs it)."""
    from vats.model.clock import in_beijing, now_utc
    from vats.model.errors import UnavailableError
    from vats.report.compliance import build_report, render
    from vats.report.files import write_bytes
    from vats.rules.audit import audit_portfolio

    audits = audit_portfolio(licences, events, as_of=day)
    report = build_report(audits, as_of=day, generated_at=in_beijing(now_utc()))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        data, suffix = render(report, "pdf"), "pdf"
    except UnavailableError as exc:
        typer.echo(exc.message, err=True)
        data, suffix = render(report, "html"), "html"
    out = directory / f"vats-report-{day.isoformat()}.{suffix}"
    write_bytes(out, data)
    return out


def _demo_dir() -> Path:
    from vats.store.db import data_dir

    return data_dir()


def _load_portfolio(url: str, paths: list[Path], console: Console) -> str:
    """Create (or reuse) the demo database, import the examples once, and (re)set the demo login."""
    from vats.checks.inventory import load_inventory
    from vats.reference.examples import example_events_path, example_inventory_path
    from vats.rules.events import load_events
    from vats.store.accounts import create_user, reset_password
    from vats.store.checks import import_inventory
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.events import record_event
    from vats.store.licences import count_licences, import_licence
    from vats.store.models import Actor

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine, actor="vats-demo") as session:
        if count_licences(session) == 0:
            for path in paths:
                import_licence(session, path=path)
            for event in load_events(example_events_path()):
                record_event(session, event=event)
            inventory = example_inventory_path()
            import_inventory(session, items=load_inventory(inventory), source=inventory.name)
        imported = count_licences(session)
    password = os.environ.get("VATS_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    with session_scope(engine, actor="vats-demo") as session:
        from sqlalchemy import select

        if session.scalar(select(Actor).where(Actor.name == DEMO_USER)) is None:
            create_user(session, name=DEMO_USER, role="admin", password=password)
        else:
            reset_password(session, name=DEMO_USER, password=password)
    engine.dispose()
    console.print(f"已导入 {imported} 份许可证 / {imported} licences in the demo database")
    return password
