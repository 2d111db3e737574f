"""Fast construction of obligations, and their explanations written only when first read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.reference.rules_library import Rule
from vats.rules.calendar import (
    DeadlineResult,
)
from vats.rules.deferred import Deferred
from vats.rules.engine.context import RunContext
from vats.rules.explain import Pair, flatten, status_line
from vats.rules.fastbuild import frozen_builder

FIELD_NAMES = tuple(f.name for f in fields(Obligation))
new_obligation = frozen_builder(Obligation)

# A shared obligation (one window, or one standing duty, for every licence of a shape) differs from
# licence to licence only in its number and its condition text; the fields around those two are
# copied as they are: `new_obligation(rule_id, number, *head, conditional, *tail)`.
_NUMBER = FIELD_NAMES.index("licence")
_CONDITIONAL = FIELD_NAMES.index("conditional")
SHARED_HEAD = slice(_NUMBER + 1, _CONDITIONAL)  # title .. provisional reason
SHARED_TAIL = slice(_CONDITIONAL + 1, None)  # explanation .. due time
assert FIELD_NAMES[:2] == ("rule_id", "licence"), "the builders pass rule id and number first"


def shared_fields(made: Obligation) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The fields of `made` that licences sharing it copy: before and after its condition text."""
    values = tuple(getattr(made, name) for name in FIELD_NAMES)
    return values[SHARED_HEAD], values[SHARED_TAIL]


Recipe = tuple[Callable[..., list[Pair]], tuple[Any, ...]]  # a step builder and its arguments


def make(
    ctx: RunContext,
    rule: Rule,
    licence: Licence,
    *,
    subject: str | None,
    due: date | None,
    steps: list[Pair] | Recipe,
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
    (`Explanation`): the steps (a list, or a builder and its arguments) are only written when read."""
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
    return new_obligation(
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
        Explanation(ctx, rule, licence, builder, args, tail),
        ctx.cite(rule, cite_on or ctx.as_of),
        ctx.evidence_text(rule),
        satisfied_by,
        completed_on,
        late,
        anchor,
        None if event is None else event.id,
        due_at,
    )


class Explanation(Deferred[str]):
    """An obligation's numbered derivation, written the first time it is read.

    Steps 1–2 (the rule and why it applies) come from the run's shared heads; then the obligation's
    own steps, its status and the evidence behind it, any condition and any provisional date. Holds the
    run's context, so rendering later gives exactly the text rendering at once would have given."""

    __slots__ = ("_args", "_builder", "_ctx", "_licence", "_rule", "_tail")

    def __init__(
        self,
        ctx: RunContext,
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
