"""`vats sites`: check that every website displays its licence number, keep the evidence, show it.

A licence FILE can be checked with no database (results printed; stored only with `--db`/`--store`
or VATS_DATABASE_URL); a licence NUMBER or `--all` reads licences (and the declared inventory)
from the store. Heavy imports (httpx, SQLAlchemy, Rich) happen inside the commands.
"""

from __future__ import annotations

import os
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer

from vats.cli.common import OutputFormat, parse_date, print_json
from vats.model.clock import now_utc
from vats.model.errors import ExitCode, InputError, VatsError

if TYPE_CHECKING:
    from vats.checks.fetch import FetchSettings
    from vats.checks.net import NetPolicy
    from vats.checks.results import SiteReport, SiteTarget

app = typer.Typer(
    help="网站首页许可证编号展示检查 / Homepage licence-display checks",
    no_args_is_help=True,
    add_completion=False,
)

RESOLVE_HELP = (
    "HOST:PORT:ADDR[:PORT] — 将域名映射到指定地址（同 curl --resolve）；映射的主机即使是私有/回环地址也允许，"
    "链路本地与云元数据地址始终拒绝 / map a host to an address like curl; mapped hosts may be private or "
    "loopback, link-local and metadata addresses are always refused"
)
TargetArg = typer.Argument(None, help="许可证文件或编号 / licence file or number", show_default=False)


def _settings(
    timeout: float, retries: int, concurrency: int, per_host: int, max_bytes: int, ca_file: Path | None = None
) -> FetchSettings:
    from vats.checks.fetch import FetchSettings

    if timeout <= 0 or retries < 0 or concurrency < 1 or per_host < 1 or max_bytes < 1:
        raise InputError("timeout, concurrency, per-host and max-bytes must be positive", field="options")
    return FetchSettings(
        timeout=timeout,
        attempt_deadline=max(timeout * 3, timeout + 1),
        retries=retries,
        concurrency=concurrency,
        per_host=per_host,
        max_bytes=max_bytes,
        backoff=min(0.5, timeout / 4),
        ca_file=str(ca_file) if ca_file else None,
    )


def _policy(resolve: list[str], allow_private: bool) -> NetPolicy:
    from vats.checks.net import NetPolicy, parse_resolve

    policy = NetPolicy(allow_private=allow_private, resolve=tuple(parse_resolve(r) for r in resolve))
    policy.check_rules()
    return policy


def _storing(db: str | None, store: bool) -> bool:
    """Evidence is stored with `--db`, `--store`, or a configured VATS_DATABASE_URL."""
    return bool(db or store or os.environ.get("VATS_DATABASE_URL"))


def _targets(target: str | None, all_: bool, db: str | None) -> tuple[list[SiteTarget], str]:
    """Targets and a scope label, from a licence file, a stored licence number, or everything stored."""
    from vats.checks.homepage import targets_for

    if all_ == (target is not None):
        raise InputError(
            "给出一个许可证文件/编号，或 --all / give a licence file or number, or --all", field="target"
        )
    if target is not None and Path(target).exists():
        from vats.ingest.document import read_licence

        return targets_for(read_licence(target)), str(target)
    if target is not None:
        _require_number(target)
    return _stored_targets(db, None if all_ else target), "all" if all_ else str(target)


def _require_number(text: str) -> None:
    """A target that is no file must be a licence number; say which it is not (nothing is created)."""
    from vats.ingest.numbers import parse

    try:
        parse(text)
    except VatsError:
        raise InputError(
            "既不是文件也不是许可证编号 / neither an existing file nor a licence number",
            source=text,
            field="target",
        ) from None


def _stored_targets(db: str | None, number: str | None) -> list[SiteTarget]:
    from vats.model.errors import NotFoundError
    from vats.store.checks import site_targets
    from vats.store.db import cli_session
    from vats.store.licences import load_domain_licences

    with cli_session(db) as session:
        if number is not None and not load_domain_licences(session, numbers=[number]):
            raise NotFoundError(f"库中没有该许可证 / no stored licence {number}", field="target")
        return site_targets(session, numbers=None if number is None else [number])


def _run(
    targets: list[SiteTarget], settings: FetchSettings, policy: NetPolicy, quiet: bool
) -> list[SiteReport]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from vats.checks.homepage import run_checks

    console = Console(stderr=True)
    columns = (TextColumn("检查首页 / checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task("sites", total=len(targets))
        return run_checks(targets, settings=settings, policy=policy, on_report=lambda _r: bar.advance(task))


def _store(
    db: str | None, reports: list[SiteReport], scope: str, options: dict[str, Any], started: datetime
) -> int:
    from vats.store.checks import record_run
    from vats.store.db import cli_session

    with cli_session(db) as session:
        run = record_run(session, reports=reports, scope=scope, options=options, started_at=started)
        session.flush()
        return int(run.id)


def _report_json(reports: list[SiteReport], run_id: int | None) -> dict[str, Any]:
    from vats.model.serialise import to_jsonable

    return {
        "passed": all(r.passed for r in reports),
        "run_id": run_id,
        "sites": [
            {
                "domain": r.target.domain,
                "name": r.target.name,
                "licence": r.target.licence,
                "listed_domains": sorted(r.target.listed_domains),
                "passed": r.passed,
                "results": to_jsonable(r.results),
            }
            for r in reports
        ],
    }


MARK = {"pass": "✓", "warn": "!", "fail": "✗", "error": "✗"}


def _print_text(reports: list[SiteReport], run_id: int | None) -> None:
    out = sys.stdout
    for report in reports:
        verdict = "通过 / PASS" if report.passed else "不通过 / FAIL"
        out.write(f"{report.target.domain}  [{report.target.licence or '-'}]  {verdict}\n")
        for r in report.results:
            out.write(f"  {MARK[r.outcome.value]} {r.check.value:<26} {r.code:<18} {r.message_zh}\n")
            out.write(f"    {'':<44}{r.message_en}\n")
            for s in r.evidence.snippets[:1]:
                where = "页脚/footer" if s.in_footer else "正文/body"
                link = f" → {s.link}" if s.link else ""
                out.write(f"    {'':<44}@{s.start} {where}{link}: {s.text}\n")
        ev = report.results[0].evidence if report.results else None
        if ev is not None:
            out.write(f"    {ev.requested_url} → {ev.final_url} HTTP {ev.status} {ev.elapsed_ms:.0f} ms")
            out.write(f" sm3:{ev.body_sm3[:16]}…\n" if ev.body_sm3 else "\n")
    failed = sum(1 for r in reports if not r.passed)
    out.write(f"\n{len(reports)} 个网站，{failed} 个不通过 / {len(reports)} sites, {failed} failed")
    out.write(f"; 已存证 / stored as run {run_id}\n" if run_id is not None else "\n")


def _check_once(
    target: str | None,
    all_: bool,
    resolve: list[str],
    allow_private: bool,
    fmt: OutputFormat,
    db: str | None,
    store: bool,
    settings: FetchSettings,
) -> bool:
    policy = _policy(resolve, allow_private)
    storing = _storing(db, store)
    targets, scope = _targets(target, all_, db)
    started = now_utc()
    reports = _run(targets, settings, policy, quiet=fmt is OutputFormat.JSON)
    run_id = None
    if storing:
        options = {"settings": settings, "allow_private": allow_private, "resolve": resolve}
        run_id = _store(db, reports, scope, options, started)
    if fmt is OutputFormat.JSON:
        print_json(_report_json(reports, run_id))
    else:
        _print_text(reports, run_id)
    return all(r.passed for r in reports)


@app.command("check")
def check_command(
    target: str | None = TargetArg,
    all_: bool = typer.Option(
        False, "--all", help="检查库中全部许可证与清单 / every stored licence and inventory site"
    ),
    resolve: list[str] = typer.Option([], "--resolve", help=RESOLVE_HELP),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="允许私有与回环地址 / allow private addresses"
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db", help="数据库 URL / database URL (stores the evidence)"),
    store: bool = typer.Option(False, "--store", help="存入默认数据库 / store in the default database"),
    timeout: float = typer.Option(10.0, "--timeout", help="seconds per network operation"),
    retries: int = typer.Option(2, "--retries", help="retries after 5xx or timeout"),
    concurrency: int = typer.Option(20, "--concurrency"),
    per_host: int = typer.Option(2, "--per-host"),
    max_bytes: int = typer.Option(5 * 1024 * 1024, "--max-bytes", help="body size cap"),
    ca_file: Path | None = typer.Option(
        None, "--ca-file", help="只信任这些根证书 / trust only these PEM roots"
    ),
) -> None:
    """检查网站首页是否展示许可证编号 / Check homepages for the licence number (exit 1 on failure)."""
    if ca_file is not None and not ca_file.is_file():
        raise InputError("文件不存在 / file not found", source=str(ca_file), field="--ca-file")
    settings = _settings(timeout, retries, concurrency, per_host, max_bytes, ca_file)
    if not _check_once(target, all_, resolve, allow_private, fmt, db, store, settings):
        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_every(text: str) -> float:
    """`24h`, `30m`, `90s`, `1d` (or plain seconds) → seconds."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"not a duration like 24h, 30m, 90s: {text!r}", field="--every")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


@app.command("watch")
def watch_command(
    target: str | None = TargetArg,
    all_: bool = typer.Option(False, "--all"),
    every: str = typer.Option("24h", "--every", help="间隔 / interval: 24h, 30m, 90s"),
    iterations: int = typer.Option(0, "--iterations", help="运行次数，0 为不限 / runs, 0 = until stopped"),
    resolve: list[str] = typer.Option([], "--resolve", help=RESOLVE_HELP),
    allow_private: bool = typer.Option(False, "--allow-private"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
    store: bool = typer.Option(True, "--store/--no-store", help="存证（默认）/ store evidence (default)"),
    timeout: float = typer.Option(10.0, "--timeout"),
    retries: int = typer.Option(2, "--retries"),
    concurrency: int = typer.Option(20, "--concurrency"),
) -> None:
    """定期检查 / Run the checks on a schedule; each run is stored and prints its summary."""
    interval = parse_every(every)
    if iterations < 0:
        raise InputError("must be ≥ 0", field="--iterations")
    settings = _settings(timeout, retries, concurrency, 2, 5 * 1024 * 1024)
    run = 0
    while True:
        started = time.monotonic()
        _check_once(target, all_, resolve, allow_private, fmt, db, store, settings)
        run += 1
        if iterations and run >= iterations:
            return
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


@app.command("history")
def history_command(
    domain: str = typer.Argument(..., help="域名 / domain"),
    on: str | None = typer.Option(None, "--on", help="某日（北京时间）/ one day, Beijing time (YYYY-MM-DD)"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """已存证的检查结果 / Stored check evidence for a domain, e.g. "was it displayed on 3 March?"."""
    from vats.checks.homepage import normalise_domain
    from vats.model.clock import in_beijing
    from vats.store.checks import history
    from vats.store.db import cli_session

    day = parse_date(on, field="--on") if on else None
    with cli_session(db) as session:
        rows = history(session, domain=normalise_domain(domain), on=day)
        data = [
            {
                "checked_at": in_beijing(r.checked_at).isoformat(),
                "run_id": r.run_id,
                "licence": r.licence,
                "check": r.check_kind,
                "outcome": r.outcome,
                "code": r.code,
                "message_zh": r.message_zh,
                "message_en": r.message_en,
                "requested_url": r.requested_url,
                "final_url": r.final_url,
                "status": r.status_code,
                "elapsed_ms": r.elapsed_ms,
                "body_sm3": r.body_sm3,
                "snippet": r.snippet,
                "snippet_start": r.snippet_start,
                "in_footer": r.in_footer,
                "link": r.link,
            }
            for r in rows
        ]
    if fmt is OutputFormat.JSON:
        print_json(data)
        return
    if not data:
        sys.stdout.write(f"没有 {domain} 的检查记录 / no stored checks for {domain}\n")
        return
    for d in data:
        sys.stdout.write(
            f"{d['checked_at']}  run {d['run_id']}  {MARK[str(d['outcome'])]} {d['check']:<26} {d['code']}\n"
        )
        sys.stdout.write(f"    {d['message_zh']} / {d['message_en']}\n")
        if d["snippet"]:
            sys.stdout.write(f"    @{d['snippet_start']}: {d['snippet']}\n")
        sys.stdout.write(f"    {d['final_url']} HTTP {d['status']} sm3:{d['body_sm3']}\n")
