"""Every day of 2024–2026 in the project's own holiday data agrees with two independent packages."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

from vats.reference.calendar_data import load_years
from vats.rules.calendar import Calendar

YEARS = (2024, 2025, 2026)


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar(load_years())


def _days(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


@pytest.mark.parametrize("year", YEARS)
def test_matches_chinesecalendar_every_day(cal: Calendar, year: int) -> None:
    wrong = [d for d in _days(year) if cal.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_matches_holidays_package_every_day(cal: Calendar, year: int) -> None:
    cn = holidays.China(years=year, language="zh_CN")
    wrong = [d for d in _days(year) if cal.is_working_day(d) != cn.is_working_day(d)]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_makeup_days_match_holidays_package(year: int) -> None:
    cn = holidays.China(years=year)
    expected = {d for d in cn.weekend_workdays if d.year == year}
    assert set(load_years()[year].makeup_days) == expected
