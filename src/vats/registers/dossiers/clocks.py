"""Both legal clocks of a change, read from the rules library (one home for the numbers): Order 42
gives 30 days after the company's decision or registration, while the Telecommunications Regulations
art. 15 ask for the application 90 days before an entity or scope change takes effect. Where both
apply they are shown side by side and the earlier one is the date to work to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vats.model.sources import SourceRef


@dataclass(frozen=True, slots=True)
class Clock:
    rule_id: str
    title: str
    anchor_label: str
    anchor: date | None
    due: date | None
    sources: tuple[SourceRef, ...]

    @property
    def label(self) -> str:
        if self.due is None:
            return f"{self.title}：尚缺{self.anchor_label}，无法计算期限"
        return f"{self.title}：{self.anchor_label} {self.anchor} → 最迟 {self.due}"


@dataclass(frozen=True, slots=True)
class Clocks:
    clocks: tuple[Clock, ...]

    @property
    def binding(self) -> Clock | None:
        """The earliest known deadline: the one to work to when the instruments disagree."""
        known = [c for c in self.clocks if c.due is not None]
        return min(known, key=lambda c: c.due or date.max) if known else None

    @property
    def conflict(self) -> bool:
        return len({c.due for c in self.clocks if c.due is not None}) > 1


_ANCHORS = {"decided_at": "决定日期", "registered_at": "工商登记变更日期", "effective_at": "变更生效日期"}


def _deadline(anchor: date, offset: int, direction: str) -> date:
    from vats.model.errors import InputError
    from vats.rules.calendar import Direction, RollPolicy, Unit, default_calendar

    calendar = default_calendar()
    way = Direction.BEFORE if direction == "before" else Direction.AFTER
    try:
        return calendar.add_period(anchor, offset, Unit.DAYS, way).date
    except InputError:  # outside the years the holiday calendar covers: plain calendar days
        return calendar.add_period(anchor, offset, Unit.DAYS, way, RollPolicy(before_rule="keep")).date


def change_clocks(change: Any) -> Clocks:
    """Every rule the change's trigger event starts, with its anchor date and deadline."""
    from vats.reference.rules_library import default_library
    from vats.registers.changes.spec import trigger_field
    from vats.registers.vocab import vocabulary
    from vats.rules.settings import known_numbers

    term = vocabulary().term("change_kinds", change.kind, field="kind")
    numbers = known_numbers()
    out = []
    for rule in default_library().rules:
        trigger, deadline = rule.trigger, rule.deadline
        if trigger is None or deadline is None or deadline.offset is None or trigger.event != term.event:
            continue
        kinds = trigger.when.get("change_kind") if trigger.when else None
        if kinds and change.kind not in kinds:
            continue
        field = "effective_at" if trigger.anchor_field == "effective_date" else trigger_field(change)
        anchor = getattr(change, field)
        offset = numbers.get(deadline.setting, deadline.offset) if deadline.setting else deadline.offset
        due = _deadline(anchor, offset, deadline.direction) if anchor is not None else None
        out.append(
            Clock(rule.id, rule.title.zh, _ANCHORS[field], anchor, due, tuple(s.ref for s in rule.sources))
        )
    return Clocks(tuple(out))
