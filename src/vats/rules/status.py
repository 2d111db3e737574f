"""The status an open obligation has on a date: the one rule, in Python and in SQL side by side.

Overdue once the due date has passed, due soon within `due_soon_days` of it (inclusive), upcoming
otherwise or when no due date is known. The engine, the obligation cache and the status SQL all ask
here, so the three cannot drift apart.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vats.model.obligations import ObligationStatus

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement


def status_on(due: date | None, *, as_of: date, due_soon_days: int) -> ObligationStatus:
    """The date-only status of an open obligation due on `due`, as of `as_of`."""
    if due is None:
        return ObligationStatus.UPCOMING
    if as_of > due:
        return ObligationStatus.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return ObligationStatus.DUE_SOON
    return ObligationStatus.UPCOMING


def status_sql(due: Any, *, as_of: date, due_soon_days: int, fixed: Any = None) -> ColumnElement[str]:
    """`status_on` as a SQL CASE over the column `due`; a non-null `fixed` column (a terminal status
    such as satisfied or waived) wins."""
    from sqlalchemy import case, literal

    whens: list[tuple[Any, Any]] = []
    if fixed is not None:
        whens.append((fixed.is_not(None), fixed))
    whens += [
        (due.is_(None), literal(ObligationStatus.UPCOMING.value)),
        (due < as_of, literal(ObligationStatus.OVERDUE.value)),
        (due <= as_of + timedelta(days=due_soon_days), literal(ObligationStatus.DUE_SOON.value)),
    ]
    return case(*whens, else_=literal(ObligationStatus.UPCOMING.value))
