"""The one licence filter: the API, the web licence list and `vats licence list` select licences
through `licence_conditions`, so a search means the same everywhere.

Semantics: `q` matches part of the number or the holder's name, ignoring ASCII case (the same on
SQLite and PostgreSQL); `validity` uses the renewal horizon (`vats.rules.horizon`), exactly as the
"expiring" label does; archived licences are left out unless asked for; visibility (the caller's
organisations) is applied on every path.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from vats.model.errors import InputError
from vats.model.licence import VALIDITY
from vats.rules.horizon import renewal_days_before
from vats.rules.settings import EngineSettings
from vats.store.models import LicenceRecord

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class LicenceFilters:
    """What a licence list may be narrowed by; bad values are refused naming the field."""

    q: str | None = None
    validity: str | None = None
    organisation_id: int | None = None
    include_archived: bool = False
    expiring_before: date | None = None

    def __post_init__(self) -> None:
        if self.q is not None and len(self.q) > MAX_QUERY_LENGTH:
            raise InputError(f"搜索词过长（最多 {MAX_QUERY_LENGTH} 字）/ q is too long", field="q")
        if self.validity is not None and self.validity not in VALIDITY:
            raise InputError(
                f"有效状态应为 {' | '.join(VALIDITY)} / validity must be one of {', '.join(VALIDITY)}",
                field="validity",
            )


def licence_conditions(
    filters: LicenceFilters,
    *,
    as_of: date,
    visible: Collection[int] | None,
    settings: EngineSettings | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE conditions on `LicenceRecord` for `filters` as of `as_of`, within `visible` organisations
    (None: every organisation)."""
    L = LicenceRecord  # noqa: N806 - reads like the table
    where: list[ColumnElement[bool]] = []
    if not filters.include_archived:
        where.append(L.archived.is_(False))
    if visible is not None:
        where.append(L.organisation_id.in_(sorted(visible)))
    if filters.organisation_id is not None:
        where.append(L.organisation_id == filters.organisation_id)
    if filters.q:
        where.append(
            L.number.icontains(filters.q, autoescape=True) | L.company.icontains(filters.q, autoescape=True)
        )
    if filters.expiring_before is not None:
        where.append(L.expiry_date < filters.expiring_before)
    soon = as_of + timedelta(days=renewal_days_before(settings))
    if filters.validity == "expired":
        where.append(L.expiry_date < as_of)
    elif filters.validity == "expiring":
        where.append(L.expiry_date.between(as_of, soon))
    elif filters.validity == "valid":
        where.append(L.expiry_date > soon)
    elif filters.validity == "unknown":
        where.append(L.expiry_date.is_(None))
    return where


def summary_query(where: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The list columns only (never the parsed JSON), filtered and ordered by number."""
    L = LicenceRecord  # noqa: N806
    columns = (L.id, L.number, L.company, L.organisation_id, L.issue_date, L.expiry_date)
    return select(*columns, L.current_revision, L.version, L.first_issued).where(*where).order_by(L.number)
