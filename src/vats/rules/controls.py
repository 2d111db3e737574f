"""The control list: standing duties as controls, each with its last evidence and next review date.

Dated obligations and standing duties read differently: a deadline has a due date, a control has
evidence that goes stale. The web list, the CLI and the API all build a control's row here, so they
agree on what "last evidence" and "next review" mean (for a control with `attest_every`, the last
attestation and the date it goes stale; for other standing duties, the evidence if any, no review).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vats.model.obligations import Obligation, ObligationStatus, RuleKind
from vats.reference.rules_library import default_library


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One standing duty as the control list shows it."""

    obligation: Obligation
    periodic: bool  # the rule sets an attestation period
    last_on: date | None  # date of the last evidence (attestation, passed check …)
    last_event: str | None  # the event id behind it
    next_review: date | None  # when the evidence goes stale (periodic controls only)

    @property
    def status_zh(self) -> str:
        """The status in the control list's words."""
        ob = self.obligation
        if ob.status is ObligationStatus.DUE_SOON and self.last_on is None and self.periodic:
            return NEVER_TEXT
        if ob.status is ObligationStatus.UPCOMING and self.next_review is None:
            return STANDING_TEXT
        return CONTROL_STATUS[ob.status]


CONTROL_STATUS = {
    ObligationStatus.OVERDUE: "复核已过期",
    ObligationStatus.DUE_SOON: "即将到复核日期",
    ObligationStatus.UPCOMING: "未到复核日期",
    ObligationStatus.SATISFIED: "证据有效",
    ObligationStatus.WAIVED: "已豁免",
    ObligationStatus.NOT_APPLICABLE: "不适用",
}


NEVER_TEXT = "应立即复核（从未复核）"
STANDING_TEXT = "持续性要求（无复核周期）"
CONTROL_TEXTS = (NEVER_TEXT, STANDING_TEXT, *CONTROL_STATUS.values())  # labels the web translates


def is_control(ob: Obligation) -> bool:
    """Whether the obligation belongs to the control list (a standing duty) rather than the dated list."""
    return ob.kind is RuleKind.CONTINUOUS


def control_row(ob: Obligation) -> ControlRow:
    rule = default_library().rule(ob.rule_id)
    periodic = rule is not None and rule.attest_every is not None
    if periodic:
        last = ob.anchor_date  # the last attestation, fresh or stale
        return ControlRow(ob, True, last, ob.event_id if last else None, ob.due_date)
    if ob.status is ObligationStatus.OVERDUE:  # a failed site check: the failure is the evidence
        return ControlRow(ob, False, ob.due_date, ob.event_id, None)
    return ControlRow(ob, False, ob.completed_on, ob.satisfied_by, None)
