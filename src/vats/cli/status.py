"""`vats status [--as-of DATE] [--db URL] [--format text|json]`: the portfolio at a glance.

Exit code 1 when something needs attention (an expired licence, an overdue obligation, a failing
homepage check), so a morning cron job can alert on it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from vats.cli.common import OutputFormat, parse_date, print_json
from vats.cli.db import DB_OPTION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vats.store.status import PortfolioStatus


def _register_counts(session: Session) -> dict[str, int]:
    try:
        from vats.registers.base import open_counts
    except ImportError:  # registers not installed: nothing to count
        return {}
    return open_counts(session)


def _failing_sites(session: Session) -> list[str]:
    try:
        from vats.report.notify.sites import latest_failures
    except ImportError:
        return []
    return [f.domain for f in latest_failures(session)]


def status_command(
    as_of: str | None = typer.Option(None, "--as-of", help="基准日期 / evaluate as of DATE (default today)"),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"),
    top: int = typer.Option(20, "--top", min=1, max=1000, help="每类最多显示 / items shown per list"),
    db: str | None = DB_OPTION,
) -> None:
    """每日概览 / Portfolio at a glance: licences, obligations, open register items, failing checks."""
    from vats.store.db import cli_session
    from vats.store.status import portfolio_status

    day = parse_date(as_of, field="--as-of")
    with cli_session(db, migrate=False) as session:
        status = portfolio_status(
            session, as_of=day, top=top, register_counts=_register_counts, failing_sites=_failing_sites
        )
    if fmt is OutputFormat.JSON:
        from vats.model.serialise import to_jsonable

        print_json({**to_jsonable(status), "attention": status.attention})
    else:
        sys.stdout.write(render(status))
    if status.attention:
        import click

        from vats.model.errors import ExitCode

        raise click.exceptions.Exit(int(ExitCode.FINDINGS))


def _ob(o: Any) -> str:
    due = o.due_date.isoformat() if o.due_date else "—"
    subject = f" [{o.subject}]" if o.subject else ""
    done = f" 完成 / done {o.completed_on}" if o.completed_on else ""
    return f"  {due}  {o.licence}  {o.title_zh} / {o.title_en}{subject}{done}\n"


def render(s: PortfolioStatus) -> str:
    """Text report, Chinese first."""
    from vats.rules.horizon import renewal_days_before

    days = renewal_days_before()
    out = [f"组合概览 / portfolio status as of {s.as_of}\n"]
    out.append(
        f"\n许可证 / licences: {s.licences_total}（已过期 / expired {s.licences_expired}，"
        f"{days} 日内到期 / expiring within {days} days {s.licences_expiring}）\n"
    )
    for lic in s.licences:
        if lic.days_left is None:
            left = "有效期未知 / expiry unknown"
        elif lic.days_left < 0:
            left = f"已过期 {-lic.days_left} 天 / expired {-lic.days_left} days ago"
        else:
            left = f"剩余 {lic.days_left} 天 / {lic.days_left} days left"
        out.append(f"  {lic.number}  {lic.company}  {lic.expiry_date or '—'}  {left}\n")
    counts = ", ".join(f"{k} {v}" for k, v in s.obligations_by_status.items()) or "—"
    out.append(f"\n义务 / obligations: {counts}\n")
    overdue = [o for o in s.obligations if o.status == "overdue"]
    soon = [o for o in s.obligations if o.status == "due_soon"]
    if overdue:
        out.append("已逾期 / overdue:\n" + "".join(_ob(o) for o in overdue))
    if soon:
        out.append("即将到期 / due soon:\n" + "".join(_ob(o) for o in soon))
    if s.late:
        out.append(f"逾期完成 / completed late ({s.late_completions}):\n" + "".join(_ob(o) for o in s.late))
    if s.open_register_items:
        items = ", ".join(f"{k} {v}" for k, v in s.open_register_items.items())
        out.append(f"\n未结登记项 / open register items: {items}\n")
    out.append(f"\n首页检查未通过 / failing homepage checks: {s.failing_checks}\n")
    out.extend(f"  {site}\n" for site in s.failing_sites)
    return "".join(out)
