"""The run context: one evaluation's inputs and the memo tables licences share (due dates, heads, sources)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vats.model.dates import add_months
from vats.model.errors import InputError
from vats.model.licence import Licence
from vats.model.obligations import Event, ObligationStatus
from vats.model.sources import SourceRef
from vats.reference.rules_library import Rule
from vats.rules.calendar import (
    Calendar,
    DeadlineResult,
    RollPolicy,
    Step,
)
from vats.rules.engine.applicability import rule_wording, services_signature
from vats.rules.explain import Pair, applicability_line, flatten, from_steps, rule_line, status_line
from vats.rules.settings import EngineSettings
from vats.rules.status import status_on

if TYPE_CHECKING:
    from vats.rules.engine.triggers.continuous import Standing
    from vats.rules.engine.triggers.windows import Frame


_NO_ROLL = RollPolicy(roll_forward=False, before_rule="keep")
_RENUMBERING = date(2026, 1, 1)  # Cybersecurity Law amendment in force (the only dated citations so far)


@dataclass(slots=True)
class RunContext:
    """Per-run state: inputs plus memo tables (many licences share due dates, rule heads and sources)."""

    as_of: date
    settings: EngineSettings
    cal: Calendar
    waivers: Mapping[tuple[str | None, str, str | None], Event]  # (licence, rule, subject)
    lookback_start: date  # settled duties due before this are left out
    deadlines: dict[tuple[Any, ...], dict[date, DeadlineResult]] = field(default_factory=dict)
    heads: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = field(default_factory=dict)
    sources: dict[tuple[str, bool], tuple[SourceRef, ...]] = field(default_factory=dict)
    # a shared window obligation's fields around the licence's number and condition (`shared_fields`)
    window_protos: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Any, ...]]] = field(
        default_factory=dict
    )
    duties: dict[tuple[Any, ...], Standing] = field(default_factory=dict)
    step_pairs: dict[int, tuple[Pair, ...]] = field(default_factory=dict)  # by id of a memoised result
    retention: dict[str, Pair] = field(default_factory=dict)
    status_lines: dict[tuple[Any, ...], Pair] = field(default_factory=dict)
    condition_lines: dict[str, Pair] = field(default_factory=dict)
    sigs: dict[int, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[tuple[date | None, date], str | None] = field(default_factory=dict)
    frames: dict[str, list[Frame]] = field(default_factory=dict)
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
            hit = self.wordings[key] = rule_wording(rule, sig)
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
            sig = self.sigs[id(licence.services)] = services_signature(licence)
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
