"""The one licence filter and the licences service built on it: the API, the web licence list and
`vats licence list` all call `licence_page`, so a search means the same everywhere.

Semantics: `q` matches part of the number or the holder's name, ignoring ASCII case (the same on
SQLite and PostgreSQL); `validity` uses the renewal horizon (`vats.rules.horizon`), exactly as the
"expiring" label does; archived licences are left out unless asked for; visibility (the caller's
organisations) is applied on every path; `region` is a region code ("BJ") or a character that
starts the region's licence numbers ("京"); `service` is a catalogue code the current revision lists
among its services. `licence_page` returns one page (or, for the command line, every row).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session

from vats.model.errors import InputError
from vats.model.licence import VALIDITY
from vats.rules.horizon import renewal_days_before
from vats.rules.settings import EngineSettings
from vats.store.listing import MAX_PER_PAGE, ListResult, Page, paginate
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class LicenceFilters:
    """What a licence list may be narrowed by; bad values are refused naming the field."""

    q: str | None = None
    validity: str | None = None
    organisation_id: int | None = None
    include_archived: bool = False
    expiring_before: date | None = None
    region: str | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        if self.region is not None:
            region_chars(self.region)  # refuse an unknown region before any query runs
        if self.service is not None:
            service_code(self.service)
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
    if filters.region:
        where.append(or_(*(L.number.startswith(char) for char in region_chars(filters.region))))
    if filters.service:
        where.append(OffersService(service_code(filters.service)))
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


def region_chars(region: str) -> tuple[str, ...]:
    """The characters a region's licence numbers start with (its own and the variants seen on issued
    licences, such as 陇 for Gansu), from its code or any of those characters."""
    from vats.reference.regions import by_code, by_licence_char

    text = region.strip()
    found = by_code(text.upper()) or by_licence_char(text)
    if found is None:
        raise InputError(f"未知地区 / unknown region {region!r}", field="region")
    return (found.licence_char, *found.licence_variants)


def service_code(service: str) -> str:
    """A catalogue code as the licences print it ("B25", "B24-1"), or an input error naming the field."""
    from vats.reference.catalogue import entry

    found = entry(service) if "/" not in service and len(service) <= 20 else None
    if found is None:
        raise InputError(f"未知业务代码 / unknown service code {service!r}", field="service")
    return found.code


class OffersService(ColumnElement[bool]):
    """True where the licence's current revision lists a service of this catalogue code. The parsed
    services are JSON on the licence row, so each database reads them with its own JSON functions."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, code: str) -> None:
        self.code = code


#: Per database: whether a service entry of the row's parsed licence has the code (`{code}`).
_OFFERS_SERVICE_SQL = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(licences.data, '$.services') AS svc "
    "WHERE json_extract(svc.value, '$.code') = {code})",
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements(licences.data -> 'services') AS svc "
    "WHERE svc ->> 'code' = {code})",
}


@compiles(OffersService)
def _offers_service(element: OffersService, compiler: Any, **kw: Any) -> str:
    code = compiler.process(bindparam(None, element.code, unique=True), **kw)
    # a statement printed without a database (a cache key, a log line) names the test plainly
    template = _OFFERS_SERVICE_SQL.get(compiler.dialect.name, "offers_service({code})")
    return template.format(code=code)


def summary_query(where: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The list columns only (never the parsed JSON), filtered and ordered by number."""
    L = LicenceRecord  # noqa: N806
    columns = (L.id, L.number, L.company, L.organisation_id, L.issue_date, L.expiry_date)
    return select(*columns, L.current_revision, L.version, L.first_issued).where(*where).order_by(L.number)


def licence_page(
    session: Session,
    *,
    filters: LicenceFilters,
    as_of: date,
    page: Page | None,
    total: int | None = None,
) -> ListResult[Any]:
    """The licences service: summary rows matching `filters` as of `as_of`, within the session's
    scope, ordered by number; one `page` (None: every row, for the command line). `total` may be
    passed when the caller already counted (`count_query`)."""
    where = licence_conditions(filters, as_of=as_of, visible=scope_of(session).organisations)
    if page is not None:
        return paginate(session, summary_query(where), page=page, total=total, rows=True)
    rows = list(session.execute(summary_query(where)).all())
    return ListResult(items=rows, total=len(rows), page=Page(1, max(min(len(rows), MAX_PER_PAGE), 1)))


def count_query(session: Session, *, filters: LicenceFilters, as_of: date) -> Select[Any]:
    """How many licences `licence_page` would list in all, as a statement (callers may memoise it)."""
    where = licence_conditions(filters, as_of=as_of, visible=scope_of(session).organisations)
    return select(func.count()).select_from(LicenceRecord).where(*where)
