"""Stable obligation ids: the same duty keeps its id across evaluations, restarts and databases.

An id is a digest of what identifies the duty — licence, rule, subject and period — never of a row
number, so an owner, a waiver or a reminder recorded against it finds it again after any
re-evaluation, and two databases holding the same licence agree on it.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from vats.model.obligations import Obligation, ObligationStatus, RuleKind

PREFIX = "ob-"
_DIGITS = 16
ID_PATTERN = re.compile(rf"^{PREFIX}[0-9a-f]{{{_DIGITS}}}$")


def period_of(ob: Obligation) -> str | None:
    """The period an occurrence belongs to: the reporting year of a recurring duty, the anchor date
    (e.g. the expiry) of a one-off deadline; None for event-driven and standing duties, whose subject
    already tells occurrences apart (and whose trigger date may be corrected without a new duty)."""
    if ob.kind is RuleKind.RECURRING:
        return ob.subject
    if ob.kind is RuleKind.DEADLINE and ob.anchor_date is not None:
        return ob.anchor_date.isoformat()
    return None


def make_id(*, licence: str, rule_id: str, subject: str | None, period: str | None) -> str:
    text = "\x1f".join((licence, rule_id, subject or "", period or ""))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGITS]


def obligation_id(ob: Obligation) -> str:
    """The obligation's stable id (see the module docstring)."""
    return make_id(licence=ob.licence, rule_id=ob.rule_id, subject=ob.subject, period=period_of(ob))


def is_obligation_id(text: str) -> bool:
    return bool(ID_PATTERN.match(text))


class WorkStatus(StrEnum):
    """An obligation's status as the workspace speaks it: a satisfied duty is simply "done"."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    DONE = "done"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"


WORK_LABELS: dict[WorkStatus, str] = {
    WorkStatus.OVERDUE: "已逾期",
    WorkStatus.DUE_SOON: "即将到期",
    WorkStatus.UPCOMING: "未到期",
    WorkStatus.DONE: "已完成",
    WorkStatus.WAIVED: "已豁免",
    WorkStatus.NOT_APPLICABLE: "不适用",
}
URGENCY = {s: i for i, s in enumerate(WorkStatus)}  # overdue → due soon → upcoming → done …


def work_status(status: ObligationStatus) -> WorkStatus:
    return WorkStatus.DONE if status is ObligationStatus.SATISFIED else WorkStatus(status.value)


def engine_status(status: WorkStatus) -> ObligationStatus:
    return ObligationStatus.SATISFIED if status is WorkStatus.DONE else ObligationStatus(status.value)
