"""Licence-date triggers: deadlines counted from the licence's expiry or issue date."""

from __future__ import annotations

from datetime import date

from vats.model.licence import Licence
from vats.model.obligations import Obligation, ObligationStatus
from vats.reference.rules_library import Rule
from vats.rules.calendar import (
    DeadlineResult,
    day_text,
)
from vats.rules.engine.build import make
from vats.rules.engine.context import RunContext
from vats.rules.engine.index import (
    LicenceEvents,
)
from vats.rules.explain import Pair


def licence_date_duties(
    ctx: RunContext, rule: Rule, licence: Licence, events: LicenceEvents
) -> list[Obligation]:
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
            make(
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
        make(
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


def _anchor_steps(ctx: RunContext, label: Pair, anchor: date, res: DeadlineResult) -> list[Pair]:
    """The date a licence deadline counts from, then how the deadline was derived."""
    when = day_text(anchor)
    return [(f"{label[0]}：{when}", f"{label[1]}: {when}"), *ctx.pairs(res)]
