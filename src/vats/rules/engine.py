"""The obligations engine: licences + events + a date -> dated obligations with status and derivation.

`evaluate` is pure and deterministic: the same inputs give the same list in the same order. It never
reads the clock or a database; the calendar and rules come from data files (cached). Events are indexed
once by licence and type, so each licence only looks at its own events (the naive approach of scanning
every event for every licence is the baseline in benchmarks/bench_engine.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from operator import attrgetter
from typing import Any, TypeVar

from vats.model.clock import CHINA, minute_text
from vats.model.dates import add_months, month_end
from vats.model.errors import InputError
from vats.model.licence import Licence, Site
from vats.model.obligations import Evaluation, Event, Obligation, ObligationStatus
from vats.model.sources import SourceRef
from vats.reference.rules_library import Library, Rule, default_library
from vats.rules.calendar import (
    Calendar,
    DeadlineResult,
    RollPolicy,
    Step,
    day_text,
    default_calendar,
)
from vats.rules.deferred import Deferred
from vats.rules.events import as_beijing_time
from vats.rules.explain import Pair, applicability_line, flatten, from_steps, rule_line, status_line
from vats.rules.fastbuild import frozen_builder
from vats.rules.settings import EngineSettings
from vats.rules.status import status_on

T = TypeVar("T")
_NO_ROLL = RollPolicy(roll_forward=False, before_rule="keep")


# ---------------------------------------------------------------------------------------------
# Event index


def event_subject(event: Event, field: str | None = None) -> str:
    """The subject linking a trigger to the event that satisfies it (fields.subject, else the id)."""
    if field is not None and event.fields.get(field) is not None:
        return str(event.fields[field])
    subject = event.fields.get("subject")
    if subject is not None:
        return str(subject)
    return event.id or f"{event.type}@{event.date.isoformat()}"


class EventIndex:
    """Events grouped by licence number (None = every licence of the holder) and type, sorted by date."""

    def __init__(self, events: Iterable[Event]) -> None:
        self._by: dict[str | None, dict[str, list[Event]]] = {}
        with_ids = True
        for e in events:
            types = self._by.get(e.licence)
            if types is None:
                types = self._by[e.licence] = {}
            group = types.get(e.type)
            if group is None:
                types[e.type] = [e]
            else:
                group.append(e)
            if e.id is None:
                with_ids = False
        # groups are small (a licence's events of one type): sort each, with a C-level key when every
        # event has an id (always, once stored; otherwise a missing id counts as "")
        key = attrgetter("date", "id") if with_ids else event_order
        for types in self._by.values():
            for group in types.values():
                if len(group) > 1:
                    group.sort(key=key)
        self._shared = self._by.get(None, {})

    def for_licence(self, licence: Licence) -> LicenceEvents:
        keys = event_keys(licence)
        found = [self._by[k] for k in keys if k in self._by]
        if self._shared:
            found.append(self._shared)
        if not found:
            return _NO_EVENTS
        if len(found) == 1:  # the common case: one number, no holder-wide events — share the lists
            return LicenceEvents(found[0])
        own: dict[str, list[Event]] = {}
        for group in found:
            for t, evs in group.items():
                own.setdefault(t, []).extend(evs)
        for evs in own.values():
            evs.sort(key=event_order)
        return LicenceEvents(own)


def event_keys(licence: Licence) -> set[str]:
    """The `Event.licence` values that concern a licence: its number and its base number (the number
    without a `-N` site suffix). Holder-wide events (None) come on top, per holder."""
    info = licence.number_info
    return {licence.number, info.base} if info is not None else {licence.number}


def event_order(e: Event) -> tuple[date, str]:
    """Events oldest first; same-day events by id (a missing id counts as "")."""
    return (e.date, e.id or "")


RETRACTED = "event_retracted"


def without_retracted(events: Sequence[Event]) -> Sequence[Event]:
    """The events minus those a correction retracted, and minus the retractions themselves.

    A register correction never edits a stored event (they are append-only and feed the audit chain and
    the status cache's watermark); it records `event_retracted` naming the wrong event's id, and the
    corrected event. A retraction counts whatever its date: the retracted record was never true."""
    gone = {str(e.fields.get("event")) for e in events if e.type == RETRACTED}
    if not gone:
        return events
    return [e for e in events if e.type != RETRACTED and e.id not in gone]


def holder_groups(
    items: Sequence[tuple[Licence, Sequence[Event]]],
) -> list[tuple[list[int], list[Licence], list[Event]]]:
    """Split licences, each with its own event list, into runs the engine can evaluate together.

    The engine applies every holder-wide event (licence None) it is given to every licence in the
    run, so licences are grouped by the holder-wide events they see (compared by identity: callers
    share one list object per holder, see `vats.store.events.events_of_licences`; equal copies only
    cost an extra run). Each group comes with the positions of its licences in `items` and the union
    of their events; licence-bound events reach only the licences they name, as in a run of their own.
    """
    groups: dict[tuple[int, ...], tuple[list[int], list[Licence], dict[int, Event]]] = {}
    for position, (licence, events) in enumerate(items):
        key = tuple(id(e) for e in events if e.licence is None)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ([], [], {})
        group[0].append(position)
        group[1].append(licence)
        for e in events:
            group[2].setdefault(id(e), e)
    return [(positions, licences, list(union.values())) for positions, licences, union in groups.values()]


@dataclass(frozen=True, slots=True)
class LicenceEvents:
    by_type: Mapping[str, list[Event]]

    def of(self, types: Sequence[str]) -> list[Event]:
        """Events of these types, by date (callers must not modify the list)."""
        if len(types) == 1:
            return self.by_type.get(types[0], _EMPTY)
        groups = [g for g in (self.by_type.get(t) for t in types) if g]
        if len(groups) <= 1:
            return groups[0] if groups else _EMPTY
        merged = [e for g in groups for e in g]
        merged.sort(key=event_order)
        return merged


_EMPTY: list[Event] = []
_NO_PROFILE: frozenset[str] = frozenset()
# conditions the rule's trigger event establishes (a cross-regional licence granted), not the profile
EVENT_CONDITIONS = frozenset({"holds_cross_regional"})
_NO_EVENTS = LicenceEvents({})


# ---------------------------------------------------------------------------------------------
# Helpers


def rule_applies(rule: Rule, licence: Licence, profile: frozenset[str] = frozenset()) -> bool:
    """Whether a rule applies to a licence (services, sub-types, provincial/cross-regional scope) held
    by an organisation whose profile sets `profile` (a rule's conditions must all be set)."""
    a = rule.applies
    if a.conditions and not profile.issuperset(c for c in a.conditions if c not in EVENT_CONDITIONS):
        return False
    if a.scope == "provincial" and licence.number_info is not None and licence.number_info.cross_regional:
        return False
    if a.scope == "cross_regional" and (
        licence.number_info is None or not licence.number_info.cross_regional
    ):
        return False
    services = licence.services
    if a.services:
        services = tuple(
            s for s in services if any(s.code == c or s.code.startswith(c + "-") for c in a.services)
        )
        if not services:
            return False
    if a.subtypes:
        return any(
            st in (*s.limited_to, *s.includes) and st not in s.excludes for s in services for st in a.subtypes
        )
    return True


def _sites(rule: Rule, licence: Licence) -> list[Site]:
    kinds = rule.applies.site_kinds
    return [s for s in licence.sites if not kinds or s.kind.value in kinds]


@dataclass(slots=True)
class _Ctx:
    """Per-run state: inputs plus memo tables (many licences share due dates, rule heads and sources)."""

    as_of: date
    settings: EngineSettings
    cal: Calendar
    waivers: Mapping[tuple[str | None, str, str | None], Event]  # (licence, rule, subject)
    lookback_start: date  # settled duties due before this are left out
    deadlines: dict[tuple[Any, ...], dict[date, DeadlineResult]] = field(default_factory=dict)
    heads: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = field(default_factory=dict)
    sources: dict[tuple[str, bool], tuple[SourceRef, ...]] = field(default_factory=dict)
    # a shared window obligation's field values, less the licence and condition (fields 2..10, 12..)
    window_protos: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Any, ...]]] = field(
        default_factory=dict
    )
    duties: dict[tuple[Any, ...], _Standing] = field(default_factory=dict)
    step_pairs: dict[int, tuple[Pair, ...]] = field(default_factory=dict)  # by id of a memoised result
    retention: dict[str, Pair] = field(default_factory=dict)
    status_lines: dict[tuple[Any, ...], Pair] = field(default_factory=dict)
    condition_lines: dict[str, Pair] = field(default_factory=dict)
    sigs: dict[int, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[tuple[date | None, date], str | None] = field(default_factory=dict)
    frames: dict[str, list[_Frame]] = field(default_factory=dict)
    wordings: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = field(default_factory=dict)
    conditions: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    evidence: dict[str, str | None] = field(default_factory=dict)

    def wording(self, rule: Rule, licence: Licence) -> tuple[str, ...]:
        """The part of the licence's services a rule's explanation mentions (its cache key): the
        services the rule is about, every service for rules that describe the scope, none otherwise.
        Memoised per rule and services signature: every obligation of every licence asks for it."""
        sig = self.signature(licence)
        key = (rule.id, sig)
        hit = self.wordings.get(key)
        if hit is None:
            hit = self.wordings[key] = _wording(rule, sig)
        return hit

    def condition(self, rule: Rule, renewed: str | None) -> str | None:
        """A continuous duty's condition text: the licence's renewal note plus the rule's own note."""
        key = (rule.id, renewed)
        if key in self.conditions:
            return self.conditions[key]
        conditional = renewed
        if rule.condition_note is not None:
            note = f"{rule.condition_note.zh} / {rule.condition_note.en}"
            conditional = f"{renewed}; {note}" if renewed else note
        self.conditions[key] = conditional
        return conditional

    def evidence_text(self, rule: Rule) -> str | None:
        """The evidence a rule asks for, as one line (memoised per rule)."""
        if rule.id not in self.evidence:
            self.evidence[rule.id] = " | ".join(rule.satisfied_by) or None
        return self.evidence[rule.id]

    def signature(self, licence: Licence) -> tuple[str, ...]:
        """Services signature, memoised per licence object for this run."""
        sig = self.sigs.get(id(licence.services))
        if sig is None:
            sig = self.sigs[id(licence.services)] = _signature(licence)
        return sig

    def renewed_note(self, licence: Licence, on: date | None = None) -> str | None:
        """The 'only if renewed' condition for a duty in force on `on` (default today), memoised."""
        key = (licence.expiry_date, on or self.as_of)
        if key not in self.notes:
            self.notes[key] = _renewed_note(licence, on or self.as_of)
        return self.notes[key]

    def deadline(self, anchor: date, n: int, unit: str, direction: str, roll: str) -> DeadlineResult:
        """Civil-Code deadline (memoised); outside the calendar's range plain arithmetic, provisional."""
        table = self.deadline_table(n, unit, direction, roll)
        hit = table.get(anchor)
        if hit is None:
            hit = table[anchor] = self._deadline(anchor, n, unit, direction, roll)
        return hit

    def deadline_table(self, n: int, unit: str, direction: str, roll: str) -> dict[date, DeadlineResult]:
        """The memo of one period rule (e.g. 10 working days after), by anchor date: a loop over many
        events of one rule looks its deadlines up by date alone."""
        key = (n, unit, direction, roll)
        table = self.deadlines.get(key)
        if table is None:
            table = self.deadlines[key] = {}
        return table

    def _deadline(self, anchor: date, n: int, unit: str, direction: str, roll: str) -> DeadlineResult:
        policy = self.settings.roll if roll == "default" else _NO_ROLL
        try:
            return self.cal.add_period(anchor, n, unit, direction, policy)
        except InputError:
            sign = 1 if direction == "after" else -1
            if unit == "months":
                raw = add_months(anchor, sign * n)
            elif unit == "hours":
                raw = anchor + timedelta(days=sign * -(-n // 24))
            else:  # working days outside the data: approximate with calendar days, flagged
                raw = anchor + timedelta(days=sign * n)
            reason = "日期超出节假日数据范围（2024 年起）/ date outside the holiday data (from 2024)"
            step = Step(
                f"{anchor} 起 {n} {unit} {direction} → {raw}（未按节假日调整）",
                f"{n} {unit} {direction} {anchor} -> {raw} (not adjusted for holidays)",
            )
            return DeadlineResult(raw, True, reason, (step,))

    def open_status(self, status: ObligationStatus, due: date | None, evidence: tuple[str, ...]) -> Pair:
        """The status line of a duty not yet met: the same for every licence with that due date."""
        key = (status, due, evidence)
        hit = self.status_lines.get(key)
        if hit is None:
            hit = self.status_lines[key] = status_line(status, as_of=self.as_of, due=due, evidence=evidence)
        return hit

    def condition_line(self, conditional: str) -> Pair:
        """The explanation line of a condition (memoised: it is date-free, see `_condition_line`)."""
        hit = self.condition_lines.get(conditional)
        if hit is None:
            hit = self.condition_lines[conditional] = _condition_line(conditional)
        return hit

    def pairs(self, result: DeadlineResult) -> tuple[Pair, ...]:
        """A memoised deadline's derivation as explanation pairs (shared by every obligation using it)."""
        hit = self.step_pairs.get(id(result))
        if hit is None:
            hit = self.step_pairs[id(result)] = tuple(from_steps(result.steps))
        return hit

    def roll_due(self, day: date, roll: bool = True) -> DeadlineResult:
        """A window's last day, moved to the next working day when it is a rest day (art. 203 policy),
        unless the rule says the window must not roll (an online system that locks at the window's end)."""
        return self.deadline(day, 0, "days", "after", "default" if roll else "none")

    def cal_working(self, day: date) -> bool:
        """Whether `day` is a working day (days outside the calendar's range count as working)."""
        try:
            return self.cal.is_working_day(day)
        except InputError:
            return True

    def status(self, due: date | None) -> ObligationStatus:
        return status_on(due, as_of=self.as_of, due_soon_days=self.settings.due_soon_days)

    def waiver(self, rule: Rule, licence: Licence, subject: str | None) -> Event | None:
        """The waiver of this rule for this licence (and subject), or a holder-wide one (licence None)."""
        if not self.waivers:
            return None
        for number in (licence.number, None):
            found = self.waivers.get((number, rule.id, subject)) or self.waivers.get((number, rule.id, None))
            if found is not None:
                return found
        return None

    def head(self, rule: Rule, licence: Licence) -> tuple[str, ...]:
        """Steps 1–2 (what the rule says, why it applies): shared by licences with the same services."""
        key = (rule.id, self.wording(rule, licence))
        hit = self.heads.get(key)
        if hit is None:
            hit = self.heads[key] = flatten(
                [rule_line(rule), applicability_line(rule, licence, rule.lists_scope)]
            )
        return hit

    def cite(self, rule: Rule, on: date) -> tuple[SourceRef, ...]:
        """Sources valid on `on`; only rules with dated citations depend on the date."""
        key = (rule.id, on >= _RENUMBERING)
        hit = self.sources.get(key)
        if hit is None:
            dated = any(s.valid_from or s.valid_until for s in rule.sources)
            hit = self.sources[key] = rule.sources_on(on) if dated else rule.sources_on(self.as_of)
        return hit


_FIELD_NAMES = tuple(f.name for f in fields(Obligation))
_new_obligation = frozen_builder(Obligation)


_RENUMBERING = date(2026, 1, 1)  # Cybersecurity Law amendment in force (the only dated citations so far)


def _signature(licence: Licence) -> tuple[str, ...]:
    """What applicability and the shared explanation heads depend on: codes, qualifiers, exclusions."""
    return tuple(
        f"{s.code}:{'/'.join(s.limited_to)}:{'/'.join(s.includes)}:{'/'.join(s.excludes)}"
        for s in licence.services
    )


def _wording(rule: Rule, sig: tuple[str, ...]) -> tuple[str, ...]:
    """See `_Ctx.wording`."""
    if rule.lists_scope:
        return sig
    if not rule.applies.services:
        return ()
    codes = rule.applies.services
    return tuple(
        entry for entry in sig if any(entry.split(":", 1)[0] == c or entry.startswith(c + "-") for c in codes)
    )


_Recipe = tuple[Callable[..., list[Pair]], tuple[Any, ...]]  # a step builder and its arguments


def _make(
    ctx: _Ctx,
    rule: Rule,
    licence: Licence,
    *,
    subject: str | None,
    due: date | None,
    steps: list[Pair] | _Recipe,
    window_start: date | None = None,
    satisfying: Event | None = None,
    provisional: DeadlineResult | None = None,
    conditional: str | None = None,
    status: ObligationStatus | None = None,
    anchor: date | None = None,
    event: Event | None = None,
    cite_on: date | None = None,
    due_at: datetime | None = None,
    late_by_time: bool | None = None,
) -> Obligation:
    """Assemble one obligation: status from evidence, waivers and dates. The explanation is a recipe
    (`_Explanation`): the steps (a list, or a builder and its arguments) are only written when read."""
    late = False
    completed_on = None
    satisfied_by = None
    waiver = ctx.waiver(rule, licence, subject) if ctx.waivers else None
    if status is None:
        if satisfying is not None:
            status = ObligationStatus.SATISFIED
            completed_on = satisfying.date
            satisfied_by = satisfying.id or satisfying.type
            late = due is not None and satisfying.date > due
            if late_by_time is not None:
                late = late_by_time
        elif waiver is not None:
            status = ObligationStatus.WAIVED
            satisfied_by = waiver.id or waiver.type
            completed_on = waiver.date
        else:
            status = ctx.status(due)
    prov = provisional is not None and provisional.provisional
    reason = provisional.reason if prov and provisional is not None else None
    builder, args = (list, (steps,)) if isinstance(steps, list) else steps
    tail = (status, due, completed_on, satisfied_by, late, conditional, reason, waiver)
    return _new_obligation(
        rule.id,
        licence.number,
        rule.title.zh,
        rule.title.en,
        rule.kind,
        status,
        due,
        window_start,
        subject,
        prov,
        reason,
        conditional,
        _Explanation(ctx, rule, licence, builder, args, tail),
        ctx.cite(rule, cite_on or ctx.as_of),
        ctx.evidence_text(rule),
        satisfied_by,
        completed_on,
        late,
        anchor,
        None if event is None else event.id,
        due_at,
    )


class _Explanation(Deferred[str]):
    """An obligation's numbered derivation, written the first time it is read.

    Steps 1–2 (the rule and why it applies) come from the run's shared heads; then the obligation's
    own steps, its status and the evidence behind it, any condition and any provisional date. Holds the
    run's context, so rendering later gives exactly the text rendering at once would have given."""

    __slots__ = ("_args", "_builder", "_ctx", "_licence", "_rule", "_tail")

    def __init__(
        self,
        ctx: _Ctx,
        rule: Rule,
        licence: Licence,
        builder: Callable[..., list[Pair]],
        args: tuple[Any, ...],
        tail: tuple[Any, ...],
    ) -> None:
        self._items = None  # Deferred.__init__, inlined: ~100,000 of these per portfolio run
        self._ctx, self._rule, self._licence = ctx, rule, licence
        self._builder, self._args, self._tail = builder, args, tail

    def _render(self) -> tuple[str, ...]:
        ctx, rule = self._ctx, self._rule
        status, due, completed_on, satisfied_by, late, conditional, reason, waiver = self._tail
        lines = self._builder(*self._args)
        if status is ObligationStatus.WAIVED and waiver is not None:
            why = str(waiver.fields.get("reason", ""))
            lines.append(
                (f"状态：已豁免（{waiver.date}，理由：{why}）", f"status: waived on {waiver.date} ({why})")
            )
        elif status is ObligationStatus.SATISFIED:
            lines.append(
                status_line(
                    status,
                    as_of=ctx.as_of,
                    due=due,
                    evidence=rule.satisfied_by,
                    completed_on=completed_on,
                    satisfied_by=satisfied_by,
                    late=late,
                )
            )
        elif status is not ObligationStatus.NOT_APPLICABLE:
            lines.append(ctx.open_status(status, due, rule.satisfied_by))
        if conditional:
            lines.append(ctx.condition_line(conditional))
        if reason is not None:
            lines.append((f"暂定：{reason}", f"provisional: {reason}"))
        return ctx.head(rule, self._licence) + flatten(lines, start=3)


_RENEWAL_PAIR: Pair = (
    "许可证已过有效期，仅在续期后适用",
    "the licence has expired; applies only if it is renewed",
)


def _condition_line(conditional: str) -> Pair:
    """The explanation line for a condition. The expiry date stays in `Obligation.conditional`; the
    line is date-free so explanations can be shared between licences in the same renewal state."""
    pairs = [
        _RENEWAL_PAIR
        if part.startswith("仅在许可证续期后适用")
        else (part.split(" / ")[0], part.split(" / ")[-1])
        for part in conditional.split("; ")
    ]
    return ("条件：" + "；".join(zh for zh, _ in pairs), "condition: " + "; ".join(en for _, en in pairs))


def _renewed_note(licence: Licence, on: date) -> str | None:
    """Obligations after the expiry date only apply if the licence is renewed."""
    if licence.expiry_date is not None and on > licence.expiry_date:
        return (
            f"仅在许可证续期后适用（有效期至 {licence.expiry_date}）"
            f" / applies only if the licence is renewed (it expired on {licence.expiry_date})"
        )
    return None


# ---------------------------------------------------------------------------------------------
# Trigger handlers


def _licence_dates(ctx: _Ctx, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    dl = rule.deadline
    assert dl is not None
    anchor = licence.expiry_date if rule.trigger.type == "licence_expiry" else licence.issue_date
    label = (
        ("有效期届满日", "expiry date")
        if rule.trigger.type == "licence_expiry"
        else ("发证日期", "issue date")
    )
    if anchor is None:
        return [
            _make(
                ctx,
                rule,
                licence,
                subject=None,
                due=None,
                status=ObligationStatus.NOT_APPLICABLE,
                steps=[
                    (
                        f"许可证未载明{label[0]}，无法计算期限",
                        f"the licence shows no {label[1]}; no date can be computed",
                    )
                ],
            )
        ]
    n = ctx.settings.number(dl.setting, dl.offset or 0)
    res = ctx.deadline(anchor, n, dl.unit, dl.direction, dl.roll)
    since = licence.issue_date or date.min
    found = events.of(rule.satisfied_by)
    satisfying = next((e for e in found if e.date >= since), None) if found else None
    return [
        _make(
            ctx,
            rule,
            licence,
            subject=None,
            due=res.date,
            steps=(_anchor_steps, (ctx, label, anchor, res)),
            satisfying=satisfying,
            provisional=res,
            anchor=anchor,
        )
    ]


def _anchor_steps(ctx: _Ctx, label: Pair, anchor: date, res: DeadlineResult) -> list[Pair]:
    """The date a licence deadline counts from, then how the deadline was derived."""
    when = day_text(anchor)
    return [(f"{label[0]}：{when}", f"{label[1]}: {when}"), *ctx.pairs(res)]


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


@dataclass(frozen=True, slots=True)
class _Frame:
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


def _frames(ctx: _Ctx, rule: Rule) -> list[_Frame]:
    """The rule's windows overlapping [as_of - lookback, as_of + horizon] (memoised per run)."""
    hit = ctx.frames.get(rule.id)
    if hit is not None:
        return hit
    w = rule.trigger.window
    assert w is not None
    lo = ctx.lookback_start
    hi = ctx.as_of + timedelta(days=ctx.settings.horizon_days)
    frames: list[_Frame] = []
    for window_year in range(lo.year, hi.year + 1):
        start, end = date(window_year, w.start_month, 1), month_end(window_year, w.end_month)
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
            _Frame(
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


def _windows(ctx: _Ctx, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    w = rule.trigger.window
    assert w is not None
    eligibility = w.eligibility == "held_by_year_end"
    since, since_steps = held_since(licence)
    evidence = events.of(rule.satisfied_by) if rule.satisfied_by else []
    out: list[Obligation] = []
    wording = ctx.wording(rule, licence)
    for f in _frames(ctx, rule):
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
                    _make(
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
            out.append(_new_obligation(rule.id, licence.number, *before, conditional, *after))
            continue
        if eligibility:  # the steps are only built when no earlier licence's obligation can be reused
            held = f.held if since is not None else _NO_ISSUE_DATE
            steps = [*since_steps, f.steps[0], held, *f.steps[1:]]
        else:
            steps = list(f.steps)
        made = _make(
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
            values = tuple(getattr(made, name) for name in _FIELD_NAMES)
            ctx.window_protos[key] = (values[2:11], values[12:])
        out.append(made)
    return out


def _matches_when(rule: Rule, event: Event) -> bool:
    return all(str(event.fields.get(k)) in allowed for k, allowed in rule.trigger.when.items())


def _events(ctx: _Ctx, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    dl = rule.deadline
    assert dl is not None and rule.trigger.event is not None
    triggers = events.by_type.get(rule.trigger.event, _EMPTY)
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
            done = [a for a in candidates if a.date >= trig.date] if candidates else _EMPTY
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
                        f"事件未登记 {anchor_field}，无法计算“提前”期限",
                        f"no {anchor_field} on the event; the 'before' deadline has no date",
                    )
                )
                out.append(
                    _make(
                        ctx,
                        rule,
                        licence,
                        subject=subject,
                        due=None,
                        steps=head,
                        event=trig,
                        satisfying=satisfying,
                        cite_on=trig.date,
                        conditional=f"需登记 {anchor_field} 才能确定日期 / "
                        f"record {anchor_field} to date this obligation",
                    )
                )
                continue
            anchor = raw
        res = deadlines.get(anchor) or ctx.deadline(anchor, n, dl.unit, dl.direction, dl.roll)
        if satisfying is not None and res.date < lo:
            continue  # long settled: outside the look-back window (decided before any text is built)
        out.append(
            _make(
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
    ctx: _Ctx,
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
                f"未登记{field_name or '时间'}，按 {trig.date} 00:00 起算（最早可能时刻，保守处理）",
                f"no {field_name or 'time'} recorded: counted from {trig.date} 00:00 "
                "(the earliest possible moment, conservative)",
            )
        )
    else:
        lines.append(
            (
                f"起算时刻：{field_name} = {minute_text(start)}（北京时间）",
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
    return _make(
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
    ctx: _Ctx, trig: Event, subject: str, anchor_field: str | None, anchor: date, res: DeadlineResult
) -> list[Pair]:
    """The trigger, the date counted from when it is not the event's own, then the derivation."""
    head = [_trigger_line(trig, subject)]
    if anchor_field:
        head.append((f"计算基准：{anchor_field} = {anchor}", f"counted from {anchor_field} = {anchor}"))
    return [*head, *ctx.pairs(res)]


def _trigger_line(trig: Event, subject: str) -> Pair:
    return (
        f"触发事件：{trig.type}（{trig.id or subject}）发生于 {day_text(trig.date)}",
        f"trigger: {trig.type} ({trig.id or subject}) on {day_text(trig.date)}",
    )


def _cycle(
    ctx: _Ctx, rule: Rule, licence: Licence, trig: Event, subject: str, done: list[Event]
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
        return _make(
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
    return _make(
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
    ctx: _Ctx, trig: Event, subject: str, level: int, months: int, last: Event | None, res: DeadlineResult
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


def _retention_steps(ctx: _Ctx, rule: Rule) -> list[Pair]:
    """The retention line of a record-keeping duty (a fresh list: `_make` appends to it)."""
    r = rule.retention
    if r is None:
        return []
    hit = ctx.retention.get(rule.id)
    if hit is None:
        amount = ctx.settings.number(r.setting, r.period if r.period is not None else r.offset)
        unit_zh = {"days": "日", "months": "个月", "years": "年"}[r.unit]
        hit = ctx.retention[rule.id] = (
            f"保存期限：不少于 {amount}{unit_zh}",
            f"retention: at least {amount} {r.unit}",
        )
    return [hit]


def _continuous(ctx: _Ctx, rule: Rule, licence: Licence, events: LicenceEvents) -> list[Obligation]:
    conditional = ctx.condition(rule, ctx.renewed_note(licence))
    if rule.trigger.per != "site":
        found = events.of(rule.satisfied_by) if rule.satisfied_by else []
        if not found and ctx.waiver(rule, licence, None) is None:
            return [_standing(ctx, rule, licence, conditional)]
        steps = _retention_steps(ctx, rule)
        return [
            _make(
                ctx,
                rule,
                licence,
                subject=None,
                due=None,
                steps=steps,
                satisfying=found[-1] if found else None,
                conditional=conditional,
            )
        ]
    steps = _retention_steps(ctx, rule)
    out: list[Obligation] = []
    checks = events.of((*rule.satisfied_by, *rule.violated_by))
    age = rule.evidence_max_age
    max_age = ctx.settings.number(age.setting, age.offset) if age is not None else None
    latest: dict[str, Event] = {}  # the last check of each domain up to today (events are by date)
    for e in checks:
        if e.date <= ctx.as_of:
            latest[str(e.fields.get("domain", "")).lower()] = e
    for site in _sites(rule, licence):
        last = latest.get(site.domain.lower())
        if last is not None and last.type in rule.violated_by:
            out.append(
                _make(
                    ctx,
                    rule,
                    licence,
                    subject=site.domain,
                    due=last.date,
                    steps=(_site_steps, (steps, site, last, False, max_age)),
                    status=ObligationStatus.OVERDUE,
                    conditional=conditional,
                    event=last,
                )
            )
            continue
        fresh = last is not None and (max_age is None or (ctx.as_of - last.date).days <= max_age)
        out.append(
            _make(
                ctx,
                rule,
                licence,
                subject=site.domain,
                due=None,
                steps=(_site_steps, (steps, site, None, not fresh, max_age)),
                satisfying=last if fresh else None,
                conditional=conditional,
            )
        )
    return out


def _site_steps(
    steps: list[Pair], site: Site, failed: Event | None, stale: bool, max_age: int | None
) -> list[Pair]:
    """A per-site duty: the record-keeping line (if any), the site, then a failed check or, when no
    passed check is recent enough (`stale`), the look-back it was sought in."""
    out = [*steps, (f"网站：{site.name}（{site.domain}）", f"site: {site.name} ({site.domain})")]
    if failed is not None:
        evidence = failed.fields.get("evidence", "")
        out.append((f"{failed.date} 检查未通过（{evidence}）", f"check failed on {failed.date} ({evidence})"))
    elif stale:
        out.append(
            (
                f"近 {max_age} 天内没有通过的首页检查记录",
                f"no passed homepage check in the last {max_age} days",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _Standing:
    """A continuous duty's obligation for licences of one shape and renewal state, less the licence
    number (field 1) and condition text (field 11), which are filled in per licence."""

    rule: Rule
    before: tuple[Any, ...]  # fields 2..10
    after: tuple[Any, ...]  # fields 12..
    note: str | None  # the condition text of a licence still in force
    evidence: tuple[str, ...]  # event types that would make the duty licence-specific


def _standing_proto(ctx: _Ctx, rule: Rule, licence: Licence) -> _Standing:
    """A continuous duty with no evidence yet: identical for every licence with the same services and
    renewal state except for the number, so its explanation is built once and shared."""
    expired = licence.expiry_date is not None and ctx.as_of > licence.expiry_date
    key = (rule.id, ctx.wording(rule, licence), expired)
    proto = ctx.duties.get(key)
    if proto is None:
        steps = _retention_steps(ctx, rule)
        conditional = ctx.condition(rule, ctx.renewed_note(licence))
        made = _make(ctx, rule, licence, subject=None, due=None, steps=steps, conditional=conditional)
        values = tuple(getattr(made, name) for name in _FIELD_NAMES)
        proto = ctx.duties[key] = _Standing(
            rule, values[2:11], values[12:], ctx.condition(rule, None), rule.satisfied_by
        )
    return proto


def _standing(ctx: _Ctx, rule: Rule, licence: Licence, conditional: str | None) -> Obligation:
    p = _standing_proto(ctx, rule, licence)
    return _new_obligation(rule.id, licence.number, *p.before, conditional, *p.after)


def _standing_duties(
    ctx: _Ctx, plan: _Plan, licence: Licence, events: LicenceEvents, out: list[Obligation]
) -> None:
    """A licence's continuous per-licence duties (over half of all obligations): evidence-free ones
    from the prototypes its shape shares, the rest through `_continuous`. No waiver may touch the
    licence (the caller checks)."""
    expired = licence.expiry_date is not None and ctx.as_of > licence.expiry_date
    protos = plan.protos.get(expired)
    if protos is None:
        protos = plan.protos[expired] = [_standing_proto(ctx, rule, licence) for rule in plan.standing]
    number, renewed, present = licence.number, ctx.renewed_note(licence), events.by_type.keys()
    for p in protos:
        if p.evidence and not present.isdisjoint(p.evidence):
            out.extend(_continuous(ctx, p.rule, licence, events))
            continue
        conditional = p.note if renewed is None else ctx.condition(p.rule, renewed)
        out.append(_new_obligation(p.rule.id, number, *p.before, conditional, *p.after))


_Handler = Callable[[_Ctx, Rule, Licence, LicenceEvents], list[Obligation]]
_Call = tuple[Rule, _Handler, str | None]  # a rule, its trigger's handler, the event type it needs
_HANDLERS: dict[str, _Handler] = {
    "licence_expiry": _licence_dates,
    "licence_issue": _licence_dates,
    "calendar_window": _windows,
    "event": _events,
    "always": _continuous,
}


def _sort_key(o: Obligation) -> tuple[Any, ...]:
    return (
        o.status is not ObligationStatus.OVERDUE,
        o.due_date or date.max,
        o.licence,
        o.rule_id,
        o.subject or "",
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a few hundred thousand acyclic objects.

    Every obligation allocates tuples, which repeatedly triggers collections that find nothing (the
    objects hold no cycles); pausing saves ~20 % on the portfolio benchmark. Restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # The results are long-lived: move everything young straight to the oldest generation
            # (freeze + unfreeze splices lists, O(1)) instead of letting the next young collection walk
            # a million fresh objects. Any cycle among them is still found by the next full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def obligations_for(
    licences: Sequence[Licence],
    events: Sequence[Event],
    as_of: date,
    *,
    settings: EngineSettings | None = None,
    library: Library | None = None,
    calendar: Calendar | None = None,
    profiles: Mapping[str, frozenset[str]] | None = None,
) -> list[Obligation]:
    """All obligations, sorted: overdue first, then by due date (undated last)."""
    return _derive(licences, events, as_of, settings, library, calendar, profiles)[0]


def _derive(
    licences: Sequence[Licence],
    events: Sequence[Event],
    as_of: date,
    settings: EngineSettings | None,
    library: Library | None,
    calendar: Calendar | None,
    profiles: Mapping[str, frozenset[str]] | None = None,
) -> tuple[list[Obligation], list[Obligation]]:
    """The sorted obligations, and those among them that can imply a finding (the dated ones, in the
    same order): findings need not look at the ~150,000 undated standing duties of a portfolio."""
    settings = settings or EngineSettings()
    library = library or default_library()
    events = without_retracted(events)
    index = EventIndex(events)
    waivers: dict[tuple[str | None, str, str | None], Event] = {}
    for e in events:
        if e.type == "obligation_waived" and e.date <= as_of:
            subject = e.fields.get("subject")
            waivers[(e.licence, str(e.fields["rule"]), None if subject is None else str(subject))] = e
    lookback = as_of - timedelta(days=settings.lookback_days)
    ctx = _Ctx(as_of, settings, calendar or default_calendar(), waivers, lookback)
    # licences by number and rules by id, so obligations come out nearly in their final order and the
    # sorts below (Timsort) mostly confirm runs instead of reordering
    rules = sorted((r for r in library.rules if r.id not in settings.disabled_rules), key=attrgetter("id"))
    licences = sorted(licences, key=attrgetter("number"))
    # rules applicable to each (services, scope) shape, computed once per shape rather than per licence
    shapes: dict[tuple[Any, ...], _Plan] = {}
    waived = {number for number, _, _ in waivers}
    order = _Ordering()
    undated = order.undated
    made: list[Obligation] = []
    first_undated = 0
    with _gc_paused():
        for i, licence in enumerate(licences):
            info = licence.number_info
            profile = profiles.get(licence.number, _NO_PROFILE) if profiles else _NO_PROFILE
            shape = (ctx.signature(licence), info is not None and info.cross_regional, profile)
            plan = shapes.get(shape)
            if plan is None:
                plan = shapes[shape] = _Plan.of([r for r in rules if rule_applies(r, licence, profile)])
            mine = index.for_licence(licence)
            present = mine.by_type
            calls = plan.calls
            if plan.standing and not (waived and (licence.number in waived or None in waived)):
                _standing_duties(ctx, plan, licence, mine, undated)  # undated, never overdue
                calls = plan.other_calls
            for rule, handler, event in calls:
                if event is not None and event not in present:
                    continue  # an event-driven rule with no trigger for this licence
                made.extend(handler(ctx, rule, licence, mine))
            if i + 1 < len(licences) and licences[i + 1].number == licence.number:
                continue  # the same number again (a duplicate copy): filed together with it
            order.file(made, first_undated, single=i == 0 or licences[i - 1].number != licence.number)
            made = []
            first_undated = len(undated)
        return order.result()


@dataclass(slots=True)
class _Plan:
    """The rules applicable to one licence shape (services signature and scope), computed once per run,
    with the continuous per-licence duties set apart: they are the portfolio's bulk and, without
    evidence, read the same for every licence of the shape in the same renewal state."""

    calls: list[_Call]  # every applicable rule
    standing: list[Rule]  # continuous, one per licence (not per site)
    other_calls: list[_Call]  # the rest
    protos: dict[bool, list[_Standing]] = field(default_factory=dict)  # by "licence expired"

    @classmethod
    def of(cls, rules: list[Rule]) -> _Plan:
        def is_standing(r: Rule) -> bool:
            return r.trigger.type == "always" and r.trigger.per != "site"

        def call(r: Rule) -> _Call:
            return (r, _HANDLERS[r.trigger.type], r.trigger.event)

        return cls(
            [call(r) for r in rules],
            [r for r in rules if is_standing(r)],
            [call(r) for r in rules if not is_standing(r)],
        )


class _Ordering:
    """The portfolio order (overdue first, then by due date, undated last; ties by licence, rule and
    subject), built licence by licence.

    Licences are evaluated in number order and each licence's obligations are filed already ordered by
    rule and subject (a sort of a dozen items), so the lists come out ordered by licence, rule and
    subject, and one stable sort by due date finishes the job. That is far cheaper than sorting
    ~250,000 obligations by a four-part key: the comparisons, and the memory traffic of reading every
    obligation again, were a tenth of an evaluation. Copies with the same number are filed together.
    """

    def __init__(self) -> None:
        self.overdue: list[Obligation] = []
        self.dated: list[Obligation] = []
        self.undated: list[Obligation] = []  # the caller appends duties known to be undated directly
        self.mixed = False  # a None subject beside a text one somewhere: the slower key is needed

    def file(self, made: list[Obligation], first_undated: int, *, single: bool = True) -> None:
        """File one licence number's obligations; `undated[first_undated:]` are the duties added
        directly, in rule order unless the number came more than once (not `single`)."""
        undated = self.undated
        standing_end = len(undated) if single else first_undated
        overdue: list[Obligation] = []
        dated: list[Obligation] = []
        is_overdue = ObligationStatus.OVERDUE
        for o in made:
            if o.status is is_overdue:
                overdue.append(o)
            elif o.due_date is None:
                undated.append(o)
            else:
                dated.append(o)
        if overdue:
            self.overdue.extend(self._by_rule(overdue))
        if dated:
            self.dated.extend(self._by_rule(dated))
        if len(undated) > standing_end and len(undated) - first_undated > 1:
            undated[first_undated:] = self._by_rule(undated[first_undated:])

    def _by_rule(self, share: list[Obligation]) -> list[Obligation]:
        try:  # C-speed key; subjects are never mixed None/str within one licence and rule in practice
            share.sort(key=_BY_RULE)
        except TypeError:
            self.mixed = True
        return share

    def result(self) -> tuple[list[Obligation], list[Obligation]]:
        """Every obligation in portfolio order, and the dated ones (overdue included) in that order:
        an undated duty is never overdue, due soon or late, so only those can imply a finding."""
        if not self.mixed:
            by_due = attrgetter("due_date")
            try:  # stable: ties stay in licence, rule, subject order
                self.overdue.sort(key=by_due)
                self.dated.sort(key=by_due)
                dated = self.overdue + self.dated
                return dated + self.undated, dated
            except TypeError:  # an overdue duty without a date (the engine makes none)
                pass
        everything = self.overdue + self.dated + self.undated
        everything.sort(key=_sort_key)
        return everything, everything


_BY_RULE = attrgetter("rule_id", "subject")


def evaluate(
    licences: Sequence[Licence],
    events: Sequence[Event],
    as_of: date,
    *,
    settings: EngineSettings | None = None,
    library: Library | None = None,
    calendar: Calendar | None = None,
    profiles: Mapping[str, frozenset[str]] | None = None,
) -> Evaluation:
    """Contract entry point: obligations (overdue first, then by due date) and the findings they imply.

    `profiles` maps a licence number to its organisation's profile keys (important-data processor,
    large platform, …): rules with conditions apply only where every condition is set."""
    from vats.rules.findings import obligation_findings

    with _gc_paused():  # sorting and findings allocate too; one pause covers the whole evaluation
        obligations, dated = _derive(licences, events, as_of, settings, library, calendar, profiles)
        findings = obligation_findings(dated)
    return Evaluation(obligations=obligations, findings=findings, as_of=as_of)
