"""Event triggers: deadlines counted from a recorded event, in days, hours or assessment cycles."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from vats.model.clock import CHINA, minute_text
from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.reference.rules_library import Rule
from vats.rules.calendar import (
    DeadlineResult,
    day_text,
)
from vats.rules.engine.build import make
from vats.rules.engine.context import RunContext
from vats.rules.engine.index import (
    EMPTY,
    LicenceEvents,
    event_subject,
)
from vats.rules.events import as_beijing_time
from vats.rules.explain import Pair, event_title, field_title


def _matches_when(rule: Rule, event: Event) -> bool:
    return all(str(event.fields.get(k)) in allowed for k, allowed in rule.trigger.when.items())


def event_duties(ctx: RunContext, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    dl = rule.deadline
    assert dl is not None and rule.trigger.event is not None
    triggers = events.by_type.get(rule.trigger.event, EMPTY)
    if rule.trigger.when:
        triggers = [e for e in triggers if _matches_when(rule, e)]
    sfield = rule.trigger.subject_field
    if rule.trigger.only_repeats:
        triggers = _repeats(triggers, sfield)
    if not triggers:
        return []
    answers = events.of(rule.satisfied_by)
    lo = ctx.lookback_start
    out: list[Obligation] = []
    if dl.period_by_level:  # cyclic assessments: only the latest grading of each unit counts
        latest: dict[str, Event] = {}
        for e in triggers:
            latest[event_subject(e, sfield)] = e
        triggers = list(latest.values())
    n = ctx.settings.number(dl.setting, dl.offset or 0)
    deadlines = ctx.deadline_table(n, dl.unit, dl.direction, dl.roll)
    anchor_field = rule.trigger.anchor_field
    answered: dict[str, list[Event]] = {}  # answers by the subject they answer, still by date
    for a in answers:
        key = event_subject(a, sfield)
        group = answered.get(key)
        if group is None:
            answered[key] = [a]
        else:
            group.append(a)
    for trig in triggers:
        subject = event_subject(trig, sfield)
        candidates = answered.get(subject)
        if dl.period_by_level:
            done = [a for a in candidates if a.date >= trig.date] if candidates else EMPTY
            out.append(_cycle(ctx, rule, licence, trig, subject, done))
            continue
        satisfying = None  # the first answer on or after the trigger
        if candidates:
            for a in candidates:
                if a.date >= trig.date:
                    satisfying = a
                    break
        if dl.unit == "hours":
            if satisfying is not None and trig.date + timedelta(days=-(-n // 24) + 1) < lo:
                continue  # long settled, as below (the due time is at most that many days later)
            out.append(_hours(ctx, rule, licence, trig, subject, satisfying, n))
            continue
        anchor = trig.date
        if anchor_field:
            raw = trig.fields.get(anchor_field)
            if raw is None:
                head = [_trigger_line(trig, subject)]
                head.append(
                    (
                        f"事件未登记{field_title(trig.type, anchor_field)}，无法计算“提前”期限",
                        f"no {anchor_field} on the event; the 'before' deadline has no date",
                    )
                )
                out.append(
                    make(
                        ctx,
                        rule,
                        licence,
                        subject=subject,
                        due=None,
                        steps=head,
                        event=trig,
                        satisfying=satisfying,
                        cite_on=trig.date,
                        conditional=f"需登记{field_title(trig.type, anchor_field)}才能确定日期 / "
                        f"record {anchor_field} to date this obligation",
                    )
                )
                continue
            anchor = raw
        res = deadlines.get(anchor) or ctx.deadline(anchor, n, dl.unit, dl.direction, dl.roll)
        if satisfying is not None and res.date < lo:
            continue  # long settled: outside the look-back window (decided before any text is built)
        out.append(
            make(
                ctx,
                rule,
                licence,
                subject=subject,
                due=res.date,
                window_start=trig.date,
                steps=(_event_steps, (ctx, trig, subject, anchor_field, anchor, res)),
                satisfying=satisfying,
                provisional=res,
                anchor=anchor,
                event=trig,
                cite_on=trig.date,
            )
        )
    return out


def _hours(
    ctx: RunContext,
    rule: Rule,
    licence: Licence,
    trig: Event,
    subject: str,
    satisfying: Event | None,
    hours: int,
) -> Obligation:
    """A deadline in hours: due at a Beijing time, counted from the moment in the trigger's
    `anchor_field` (the discovery of an incident). Civil Code art. 201 counts years, months and days
    and does not apply; with no time recorded the count starts at 00:00 of the event's day, the earliest
    moment it can have happened (conservative), and the derivation says so."""
    dl = rule.deadline
    assert dl is not None
    field_name = rule.trigger.anchor_field
    start = as_beijing_time(trig.fields.get(field_name)) if field_name else None
    lines = [_trigger_line(trig, subject)]
    if start is None:
        start = datetime.combine(trig.date, time(0, 0), CHINA)
        lines.append(
            (
                f"未登记{field_title(trig.type, field_name) if field_name else '时间'}，"
                f"按 {trig.date} 00:00 起算（最早可能时刻，保守处理）",
                f"no {field_name or 'time'} recorded: counted from {trig.date} 00:00 "
                "(the earliest possible moment, conservative)",
            )
        )
    else:
        lines.append(
            (
                f"起算时刻：{field_title(trig.type, field_name or '')} {minute_text(start)}（北京时间）",
                f"counted from {field_name} = {minute_text(start)} (Beijing time)",
            )
        )
    due_at = start + timedelta(hours=hours)
    lines.append(
        (
            f"之后 {hours} 小时 → 最迟 {minute_text(due_at)}"
            "（按小时计算，不适用按日计算的民法典第二百零一条，不因休息日顺延）",
            f"{hours} hours after -> due by {minute_text(due_at)} (counted in hours: the Civil Code's day "
            "counting does not apply, and rest days do not move it)",
        )
    )
    lines.append(
        (
            "依据：许可证特别规定事项第八条要求“第一时间”报告；网络数据安全管理条例第十条对危害国家安全、"
            "公共利益的事件规定 24 小时内报告；小时数可配置",
            "basis: licence special provision 8 requires reporting at once (第一时间); the Network Data "
            "Security Regulations art. 10 set 24 hours for incidents endangering national security or "
            "the public interest; the number of hours is configurable",
        )
    )
    late = None
    if satisfying is not None and dl.answer_field:
        answered = as_beijing_time(satisfying.fields.get(dl.answer_field))
        late = answered > due_at if answered is not None else satisfying.date > due_at.date()
    return make(
        ctx,
        rule,
        licence,
        subject=subject,
        due=due_at.date(),
        window_start=trig.date,
        steps=lines,
        satisfying=satisfying,
        anchor=trig.date,
        event=trig,
        cite_on=trig.date,
        due_at=due_at,
        late_by_time=late,
    )


def _repeats(triggers: list[Event], sfield: str | None) -> list[Event]:
    """The trigger events whose subject had an earlier one (a unit graded again: a re-grading)."""
    seen: set[str] = set()
    out: list[Event] = []
    for e in triggers:
        subject = event_subject(e, sfield)
        if subject in seen:
            out.append(e)
        seen.add(subject)
    return out


def _event_steps(
    ctx: RunContext, trig: Event, subject: str, anchor_field: str | None, anchor: date, res: DeadlineResult
) -> list[Pair]:
    """The trigger, the date counted from when it is not the event's own, then the derivation."""
    head = [_trigger_line(trig, subject)]
    if anchor_field:
        head.append(
            (
                f"计算基准：{field_title(trig.type, anchor_field)} {anchor}",
                f"counted from {anchor_field} = {anchor}",
            )
        )
    return [*head, *ctx.pairs(res)]


def _trigger_line(trig: Event, subject: str) -> Pair:
    return (
        f"触发事件：{event_title(trig.type)}（{trig.id or subject}）发生于 {day_text(trig.date)}",
        f"trigger: {trig.type} ({trig.id or subject}) on {day_text(trig.date)}",
    )


def _cycle(
    ctx: RunContext, rule: Rule, licence: Licence, trig: Event, subject: str, done: list[Event]
) -> Obligation:
    """Next due date of a periodic assessment, from the last one done (or the grading)."""
    dl = rule.deadline
    assert dl is not None
    try:
        level = int(trig.fields.get("level", 0))
    except (TypeError, ValueError):
        level = 0
    months = dl.period_by_level.get(level)
    if months is None:
        head = [
            _trigger_line(trig, subject),
            (f"定级为第 {level} 级，无固定周期要求", f"graded level {level}: no fixed cycle"),
        ]
        return make(
            ctx,
            rule,
            licence,
            subject=subject,
            due=None,
            steps=head,
            status=ObligationStatus.NOT_APPLICABLE,
            event=trig,
        )
    last = done[-1] if done else None
    anchor = last.date if last else trig.date
    res = ctx.deadline(anchor, months, "months", "after", dl.roll)
    return make(
        ctx,
        rule,
        licence,
        subject=subject,
        due=res.date,
        window_start=anchor,
        steps=(_cycle_steps, (ctx, trig, subject, level, months, last, res)),
        provisional=res,
        anchor=anchor,
        event=trig,
    )


def _cycle_steps(
    ctx: RunContext,
    trig: Event,
    subject: str,
    level: int,
    months: int,
    last: Event | None,
    res: DeadlineResult,
) -> list[Pair]:
    """The grading, its cycle, the last assessment it counts from (if any), then the derivation."""
    head = [
        _trigger_line(trig, subject),
        (f"第 {level} 级：每 {months} 个月一次", f"level {level}: every {months} months"),
    ]
    if last:
        head.append(
            (
                f"上次完成于 {last.date}，下一周期自此起算",
                f"last done on {last.date}; next cycle counted from it",
            )
        )
    return [*head, *ctx.pairs(res)]
