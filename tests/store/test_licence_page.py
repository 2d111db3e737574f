"""The licences service on both databases: every filter of the one filter model, paging, and the
session's scope, answered by `licence_page` and counted alike by `count_query`."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from vats.model.errors import InputError
from vats.store.db import session_scope
from vats.store.licence_filters import LicenceFilters, count_query, licence_page
from vats.store.listing import Page
from vats.store.scope import Scope, bind

AS_OF = date(2026, 11, 2)
EXPIRIES = {0: date(2030, 12, 25), 1: date(2027, 1, 10), 2: date(2026, 3, 1), 3: None}


@pytest.fixture
def numbers(engine: Engine) -> dict[int, tuple[str, int]]:
    """Seed → (licence number, organisation id); seeds 1 and 2 in a second organisation."""
    from vats.ingest.render import synthetic_licence
    from vats.store.licences import import_licence
    from vats.store.organisations import ensure_organisation

    out = {}
    with session_scope(engine, actor="setup") as s:
        first = ensure_organisation(s, name="甲公司").id
        second = ensure_organisation(s, name="乙公司").id
        for seed, expiry in EXPIRIES.items():
            org = second if seed in (1, 2) else first
            record = import_licence(
                s, licence=synthetic_licence(seed, expiry_date=expiry), organisation_id=org
            )
            out[seed] = (record.number, org)
    return out


def _listed(engine: Engine, filters: LicenceFilters, scope: Scope | None = None) -> list[str]:
    with session_scope(engine, actor="t") as s:
        if scope is not None:
            bind(s, scope)
        page = licence_page(s, filters=filters, as_of=AS_OF, page=Page(1, 50))
        everything = licence_page(s, filters=filters, as_of=AS_OF, page=None)
        counted = s.scalar(count_query(s, filters=filters, as_of=AS_OF))
    names = [r.number for r in page]
    assert names == [r.number for r in everything] and page.total == counted == len(names)
    return names


def test_service_code_region_and_text_narrow_the_list(
    engine: Engine, numbers: dict[int, tuple[str, int]]
) -> None:
    n = {seed: number for seed, (number, _org) in numbers.items()}
    assert _listed(engine, LicenceFilters(service="B25")) == sorted([n[2], n[3]])
    assert _listed(engine, LicenceFilters(service="b21")) == sorted([n[0], n[3]])
    assert _listed(engine, LicenceFilters(service="B24-1")) == []
    assert _listed(engine, LicenceFilters(region="HN")) == [n[3]]
    assert _listed(engine, LicenceFilters(region="陇")) == [n[1]]  # Gansu's variant names the region too
    assert _listed(engine, LicenceFilters(region="甘", service="B22")) == [n[1]]
    assert _listed(engine, LicenceFilters(region="甘", service="B25")) == []
    assert _listed(engine, LicenceFilters(validity="expiring")) == [n[1]]  # inside the renewal horizon
    assert _listed(engine, LicenceFilters(validity="unknown", service="B25")) == [n[3]]


def test_the_session_scope_and_organisation_filter_apply(
    engine: Engine, numbers: dict[int, tuple[str, int]]
) -> None:
    (second,) = {org for seed, (_n, org) in numbers.items() if seed == 1}
    mine = sorted(numbers[s][0] for s in (1, 2))
    assert _listed(engine, LicenceFilters(), Scope.of("t", {second})) == mine
    assert _listed(engine, LicenceFilters(service="B21"), Scope.of("t", {second})) == []
    assert _listed(engine, LicenceFilters(organisation_id=second)) == mine


def test_paging_splits_the_same_list(engine: Engine, numbers: dict[int, tuple[str, int]]) -> None:
    with session_scope(engine, actor="t") as s:
        pages = [licence_page(s, filters=LicenceFilters(), as_of=AS_OF, page=Page(k, 3)) for k in (1, 2)]
    assert [len(p.items) for p in pages] == [3, 1] and {p.total for p in pages} == {4}
    assert [r.number for p in pages for r in p] == sorted(number for number, _org in numbers.values())


@pytest.mark.parametrize(
    ("given", "field"),
    [({"region": "XX"}, "region"), ({"service": "Z99"}, "service"), ({"q": "x" * 101}, "q")],
)
def test_bad_filters_are_refused_naming_the_field(given: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as refused:
        LicenceFilters(**given)
    assert refused.value.field == field


def test_a_service_filter_prints_without_a_database() -> None:
    from sqlalchemy import select

    from vats.store.licence_filters import OffersService
    from vats.store.models import LicenceRecord

    text = str(
        select(LicenceRecord.id).where(OffersService("B25")).compile(compile_kwargs={"literal_binds": True})
    )
    assert "offers_service('B25')" in text
