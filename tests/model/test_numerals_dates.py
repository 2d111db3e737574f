"""The one home of Chinese numerals and of month/year arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from vats.model.dates import add_months, add_years, month_end
from vats.model.numerals import from_cn, to_cn


@pytest.mark.parametrize("n", range(1, 100))
def test_numerals_round_trip(n: int) -> None:
    assert from_cn(to_cn(n)) == n


def test_numerals_as_printed() -> None:
    assert [to_cn(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    with pytest.raises(ValueError):
        to_cn(0)


def test_month_and_year_arithmetic_clamps_to_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2021, 5, 20), 5) == date(2026, 5, 20)
    assert month_end(2024, 2) == date(2024, 2, 29) and month_end(2026, 12) == date(2026, 12, 31)
