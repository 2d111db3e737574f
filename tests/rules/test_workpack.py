"""Pure workpack logic: typing of entered values, year-over-year and size flags, the filing window."""

from __future__ import annotations

from datetime import date

import pytest

from vats.model.errors import InputError
from vats.reference.annual_report import load_form
from vats.rules.workpack import coerce, effective, slots, validate, window_state

FORM = load_form(2025)


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("staff", " 1,200 ", 1200),
        ("revenue", "5,000,000.50", 5000000.5),
        ("service_commitment_published", "否", False),
        ("issue_date", "2026-05-20", "2026-05-20"),
        ("staff", "", None),
    ],
)
def test_coerce_reads_what_people_type(field: str, raw: str, expected: object) -> None:
    assert coerce(FORM.field(field), raw, key=field) == expected


@pytest.mark.parametrize(
    ("field", "raw"), [("staff", "1.5"), ("revenue", "NaN"), ("issue_date", "2026-02-30")]
)
def test_coerce_refuses_wrong_types_naming_the_box(field: str, raw: str) -> None:
    with pytest.raises(InputError) as info:
        coerce(FORM.field(field), raw, key=field)
    assert info.value.field == field


def test_year_over_year_and_large_amounts_are_flags_not_errors() -> None:
    slot_list = slots(FORM, ["B25"])
    eff = effective(slot_list, {"revenue": 2_000_000_000.0, "staff": 50}, {})
    problems = validate(FORM, slot_list, eff, prefill={}, previous={"revenue": 1_000_000_000.0, "staff": 45})
    flags = {(p.key, p.code) for p in problems if not p.blocking}
    assert ("revenue", "yoy") in flags and ("revenue", "large") in flags
    assert ("staff", "yoy") not in flags  # +11 % is under the threshold


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2026, 1, 9), "not_open"),
        (date(2026, 1, 10), "open"),
        (date(2026, 3, 31), "open"),
        (date(2026, 4, 1), "late"),
        (date(2026, 5, 1), "locked"),
    ],
)
def test_window_phases(today: date, phase: str) -> None:
    state = window_state(FORM, province="CQ", today=today)
    assert state.phase == phase
    assert "不良名单" in state.consequence
