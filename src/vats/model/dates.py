"""Calendar-month and year arithmetic, clamped the Civil Code way: a period that ends on a day the
month lacks ends on that month's last day (31 January + 1 month = 28/29 February; 29 February + 1
year = 28 February). Deadlines, retention periods and validity checks all count with these.
"""

from __future__ import annotations

import calendar
from datetime import date


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    """Same-numbered day `months` later (or earlier), clamped to the month's last day (art. 202)."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def add_years(d: date, years: int) -> date:
    """Same day `years` later; 29 February becomes 28 February in a common year."""
    return add_months(d, 12 * years)
