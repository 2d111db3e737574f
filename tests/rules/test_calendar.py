"""Working-day arithmetic and Civil-Code deadline counting (known answers and properties)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vats.model.dates import add_months
from vats.model.errors import InputError
from vats.reference.calendar_data import load_years
from vats.rules.calendar import Calendar, RollPolicy, default_calendar

CAL = default_calendar()
dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


def test_known_answer_ten_working_days_over_national_day() -> None:
    # 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … 10-16
    assert CAL.add_working_days(date(2026, 9, 28), 10) == date(2026, 10, 16)
    assert CAL.is_working_day(date(2026, 10, 10))
    assert not CAL.is_working_day(date(2026, 10, 5))


def test_between_counts_half_open_interval() -> None:
    assert CAL.working_days_between(date(2026, 9, 28), date(2026, 10, 16)) == 10
    assert CAL.working_days_between(date(2026, 10, 16), date(2026, 9, 28)) == -10
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_subtract_working_days() -> None:
    assert CAL.add_working_days(date(2026, 10, 16), -10) == date(2026, 9, 28)


def test_before_2024_is_refused() -> None:
    with pytest.raises(InputError, match="2023-12-31"):
        CAL.is_working_day(date(2023, 12, 31))


def test_unknown_year_marks_result_provisional() -> None:
    assert not CAL.is_known(date(2027, 1, 5))
    res = CAL.add_period(date(2026, 12, 20), 10, "working_days", "after")
    assert res.provisional and "2027" in (res.reason or "")
    inside = CAL.add_period(date(2026, 3, 2), 10, "working_days", "after")
    assert not inside.provisional


def test_calendar_days_after_roll_forward_over_holiday() -> None:
    # 2026-09-03 + 30 days = 2026-10-03 (National Day) -> next working day 2026-10-08
    res = CAL.add_period(date(2026, 9, 3), 30, "days", "after")
    assert res.date == date(2026, 10, 8)
    assert any("art. 203" in s.en for s in res.steps)
    off = CAL.add_period(date(2026, 9, 3), 30, "days", "after", RollPolicy(roll_forward=False))
    assert off.date == date(2026, 10, 3)


def test_before_deadline_on_holiday_moves_earlier_not_past_event() -> None:
    # expiry 2026-04-05 - 90 days = 2026-01-05 (Mon, working) ; expiry 2026-04-04 -> 2026-01-04 make-up Sunday
    assert CAL.add_period(date(2026, 4, 5), 90, "days", "before").date == date(2026, 1, 5)
    # 2026-12-31 - 90 days = 2026-10-02 (National Day) -> previous working day 2026-09-30
    res = CAL.add_period(date(2026, 12, 31), 90, "days", "before")
    assert res.date == date(2026, 9, 30)
    keep = CAL.add_period(date(2026, 12, 31), 90, "days", "before", RollPolicy(before_rule="keep"))
    assert keep.date == date(2026, 10, 2)


def test_months_month_end_rule() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert CAL.add_period(date(2025, 8, 31), 1, "months").date == date(2025, 9, 30)


def test_user_directory_year_is_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nnotice: test\nholidays:\n"
        "  - {name_zh: 元旦, name_en: New Year, start: 2027-01-01, end: 2027-01-01}\n",
        encoding="utf-8",
    )
    from vats.reference.calendar_data import BUNDLED_DIR

    cal = Calendar(load_years([BUNDLED_DIR, tmp_path]))
    assert cal.is_known(date(2027, 1, 1)) and not cal.is_working_day(date(2027, 1, 1))


@settings(max_examples=200, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=400))
def test_add_lands_on_working_day_and_round_trips(d: date, n: int) -> None:
    end = CAL.add_working_days(d, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(d, end) == n
    assert end > d


@settings(max_examples=200, deadline=None)
@given(d=dates, n=st.integers(min_value=0, max_value=300), k=st.integers(min_value=1, max_value=50))
def test_monotonic_in_n(d: date, n: int, k: int) -> None:
    assert CAL.add_working_days(d, n) < CAL.add_working_days(d, n + k)


@settings(max_examples=200, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=400))
def test_after_deadline_never_earlier_than_raw_and_is_working_day(d: date, n: int) -> None:
    res = CAL.add_period(d, n, "days", "after")
    assert (res.date - d).days >= n
    assert CAL.is_working_day(res.date) or not CAL.is_known(res.date)


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)), n=st.integers(1, 300))
def test_before_deadline_never_later_than_raw(d: date, n: int) -> None:
    res = CAL.add_period(d, n, "days", "before")
    assert (d - res.date).days >= n


def test_bundled_years_present() -> None:
    assert set(load_years()) >= {2024, 2025, 2026}
