"""The engine's fast Obligation constructor produces exactly what the dataclass constructor does."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from vats.model.obligations import Obligation, ObligationStatus, RuleKind
from vats.model.sources import Reliability, SourceRef
from vats.rules.engine.build import new_obligation


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
        None,
    )
    fast = new_obligation(*values)
    slow = Obligation(*values)
    assert type(fast) is Obligation
    assert fast == slow and hash(fast) == hash(slow) and fast.key == slow.key
    assert dataclasses.astuple(fast) == dataclasses.astuple(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.rule_id = "other"  # type: ignore[misc]


def test_shared_fields_rebuild_an_obligation_for_another_number_and_condition() -> None:
    from vats.rules.engine.build import SHARED_HEAD, SHARED_TAIL, shared_fields

    made = Obligation(
        "licence.display_number",
        "渝B2-20210467",
        "展示",
        "Display",
        RuleKind.CONTINUOUS,
        ObligationStatus.UPCOMING,
        None,
        conditional="before",
        explanation=("1. a",),
        evidence_required="site_check_passed",
        event_id="e9",
    )
    head, tail = shared_fields(made)
    assert SHARED_HEAD.stop is not None and SHARED_TAIL.start == SHARED_HEAD.stop + 1
    copy = new_obligation(made.rule_id, "京B2-20200001", *head, "after", *tail)
    assert copy == dataclasses.replace(made, licence="京B2-20200001", conditional="after")


def test_fast_finding_and_evidence_match_constructors() -> None:
    from vats.model.findings import Evidence, Finding, Severity
    from vats.rules.fastbuild import frozen_builder

    ev = frozen_builder(Evidence)("due_date", "2026-07-22", None, "licence.renewal")
    assert ev == Evidence(field="due_date", value="2026-07-22", note="licence.renewal")
    f = frozen_builder(Finding)("x", Severity.HIGH, "中", "en", "L", None, (ev,), (), ("obligation",))
    assert f == Finding("x", Severity.HIGH, "中", "en", licence="L", evidence=(ev,), tags=("obligation",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.id = "y"  # type: ignore[misc]
