"""Calendar-window triggers: yearly windows (annual reports), shared by every licence in a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from vats.model.dates import month_end
from vats.model.licence import Licence
from vats.model.obligations import Obligation, ObligationStatus
from vats.reference.rules_library import Rule, Window
from vats.rules.calendar import (
    DeadlineResult,
)
from vats.rules.engine.build import make, new_obligation, shared_fields
from vats.rules.engine.context import RunContext
from vats.rules.engine.index import (
    LicenceEvents,
)
from vats.rules.explain import Pair, from_steps


def held_since(licence: Licence) -> tuple[date | None, list[Pair]]:
    """When the holder first held this licence: the first-issue date the user set wins; otherwise the
    year in the number, when it predates this copy's issue date (a re-issued copy), is taken as the
    first year held. That reading of the number is an inference: the year/serial structure is not
    published (regulations.md §3.1, UNCONFIRMED), and the derivation says so."""
    if licence.first_issued is not None:
        first = licence.first_issued
        return first, [
            (
                f"首次取得日期 {first}（用户登记，优先于编号年份推断）",
                f"first issued on {first} (set by the user; wins over the number's year)",
            )
        ]
    issue = licence.issue_date
    year = licence.number_info.year if licence.number_info is not None else None
    if year is not None and (issue is None or year < issue.year):
        start = date(year, 1, 1)
        label = (
            "（推断：编号的年份结构未经官方公布，可靠性：未核实；可登记首次取得日期）",
            " (an inference: the number's year structure is not published, reliability: unconfirmed; "
            "set the first-issue date to replace it)",
        )
        if issue is None:
            return start, [
                (
                    f"许可证编号 {licence.number} 中的年份 {year} 表明许可证自 {year} 年起持有{label[0]}",
                    f"the year {year} in number {licence.number} shows the licence dates from "
                    f"{year}{label[1]}",
                )
            ]
        return start, [
            (
                f"许可证编号 {licence.number} 中的年份为 {year}，说明该许可证自 {year} 年起即已持有；"
                f"本件发证日期 {issue} 应为续期或变更后重新核发，因此 {year} 年以来各年度均需年报{label[0]}",
                f"the number {licence.number} carries the year {year}, so the licence has been held "
                f"since {year}; this copy's issue date {issue} reflects a re-issue (renewal or change), "
                f"so every year since {year} needs an annual report{label[1]}",
            )
        ]
    return issue, []


def window_span(w: Window, window_year: int) -> tuple[date, date]:
    """First and last day of a recurring rule's window opening in `window_year`."""
    return date(window_year, w.start_month, 1), month_end(window_year, w.end_month)


@dataclass(frozen=True, slots=True)
class Frame:
    """One calendar window of a recurring rule, the same for every licence in this run."""

    year: int  # the reporting year (the window may fall in the next one)
    start: date
    end: date
    due: DeadlineResult
    steps: tuple[Pair, ...]  # window and due-date lines
    subject: str  # the year, as the obligation's subject
    cutoff: date  # 31 December of the reporting year (eligibility: licence held by then)
    held: Pair  # the eligibility line of a licence held by the cutoff


_NO_ISSUE_DATE: Pair = (
    "许可证未载明发证日期，按须报送处理（保守）",
    "the licence shows no issue date: treated as required to file (conservative)",
)


def window_frames(ctx: RunContext, rule: Rule) -> list[Frame]:
    """The rule's windows overlapping [as_of - lookback, as_of + horizon] (memoised per run)."""
    hit = ctx.frames.get(rule.id)
    if hit is not None:
        return hit
    w = rule.trigger.window
    assert w is not None
    lo = ctx.lookback_start
    hi = ctx.as_of + timedelta(days=ctx.settings.horizon_days)
    frames: list[Frame] = []
    for window_year in range(lo.year, hi.year + 1):
        start, end = window_span(w, window_year)
        if end < lo or start > hi:
            continue
        year = window_year - w.year_offset
        if w.year_offset:
            steps = [
                (
                    f"报告年度 {year}：报送窗口 {start} 至 {end}",
                    f"reporting year {year}: window {start} to {end}",
                )
            ]
        else:
            steps = [
                (
                    f"{year} 年度：须在 {start} 至 {end} 之间完成",
                    f"year {year}: to be done between {start} and {end}",
                )
            ]
        res = ctx.roll_due(end, w.roll)
        due_steps = from_steps(res.steps[1:]) if res.date != end else []
        if not w.roll and not ctx.cal_working(end):
            due_steps = [
                (
                    f"{end} 为休息日，但该窗口不顺延：系统在窗口结束时关闭",
                    f"{end} is a rest day, but this window does not roll: the system closes at its end",
                )
            ]
        cutoff = date(year, 12, 31)
        frames.append(
            Frame(
                year,
                start,
                end,
                res,
                (*steps, *due_steps, (f"期限：{res.date}", f"due: {res.date}")),
                str(year),
                cutoff,
                (f"{cutoff} 前已持有许可证，须报送", f"licence held by {cutoff}: must file"),
            )
        )
    ctx.frames[rule.id] = frames
    return frames


def window_duties(ctx: RunContext, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    w = rule.trigger.window
    assert w is not None
    eligibility = w.eligibility == "held_by_year_end"
    since, since_steps = held_since(licence)
    evidence = events.of(rule.satisfied_by) if rule.satisfied_by else []
    out: list[Obligation] = []
    wording = ctx.wording(rule, licence)
    for f in window_frames(ctx, rule):
        subject = f.subject
        if eligibility:
            cutoff = f.cutoff
            if since is not None and since > cutoff:
                steps = [
                    *since_steps,
                    f.steps[0],
                    (
                        f"许可证取得于 {since}，晚于 {cutoff}，{f.year} 年度无需报送",
                        f"licence obtained on {since}, after {cutoff}: no report for {f.year}",
                    ),
                ]
                out.append(
                    make(
                        ctx,
                        rule,
                        licence,
                        subject=subject,
                        due=None,
                        window_start=f.start,
                        steps=steps,
                        status=ObligationStatus.NOT_APPLICABLE,
                        anchor=f.end,
                    )
                )
                continue
        elif since is not None and since > f.end:
            continue
        satisfying = (
            next(
                (
                    e
                    for e in evidence
                    if (int(e.fields["year"]) == f.year if "year" in e.fields else f.start <= e.date <= f.end)
                ),
                None,
            )
            if evidence
            else None
        )
        conditional = ctx.renewed_note(licence, f.start)
        shared = (
            satisfying is None
            and not since_steps
            and not (ctx.waivers and ctx.waiver(rule, licence, subject) is not None)
        )
        key = (rule.id, wording, f.year, since is None, conditional is not None)
        proto = ctx.window_protos.get(key) if shared else None
        if proto is not None:  # same window, state and wording as an earlier licence: reuse it
            before, after = proto
            out.append(new_obligation(rule.id, licence.number, *before, conditional, *after))
            continue
        if eligibility:  # the steps are only built when no earlier licence's obligation can be reused
            held = f.held if since is not None else _NO_ISSUE_DATE
            steps = [*since_steps, f.steps[0], held, *f.steps[1:]]
        else:
            steps = list(f.steps)
        made = make(
            ctx,
            rule,
            licence,
            subject=subject,
            due=f.due.date,
            window_start=f.start,
            steps=steps,
            satisfying=satisfying,
            provisional=f.due,
            conditional=conditional,
            anchor=f.end,
        )
        if shared:
            ctx.window_protos[key] = shared_fields(made)
        out.append(made)
    return out
