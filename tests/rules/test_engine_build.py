"""The engine's fast Obligation constructor produces exactly what the dataclass constructor does."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from vats.model.obligations import Obligation, ObligationStatus, RuleKind
from vats.model.sources import Reliability, SourceRef
from vats.rules.engine import _build


def test_fast_build_equals_constructor_and_stays_frozen() -> None:
    values = (
        "licence.renewal",
        "渝B2-20210467",
        "续办",
        "Renewal",
        RuleKind.DEADLINE,
        ObligationStatus.OVERDUE,
        date(2026, 7, 22),
        None,
        "s",
        True,
        "why",
        "cond",
        ("1. a", "   1. b"),
        (SourceRef("x", Reliability.LICENCE),),
        "renewal_applied",
        None,
        None,
        False,
        date(2026, 10, 20),
        "e1",
    )
    fast = _build(values)
    slow = Obligation(*values)
    assert type(fast) is Obligation
    assert fast == slow and hash(fast) == hash(slow) and fast.key == slow.key
    assert dataclasses.astuple(fast) == dataclasses.astuple(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.rule_id = "other"  # type: ignore[misc]


def test_standing_duties_replace_the_fields_they_claim() -> None:
    from vats.rules.engine import _FIELD_NAMES

    assert _FIELD_NAMES[1] == "licence" and _FIELD_NAMES[11] == "conditional"
