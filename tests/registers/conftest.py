"""Fixtures for register tests: a migrated database (SQLite and PostgreSQL) holding the reference
licence 渝B2-20210467, and a session factory that commits like the CLI and API do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vats.model.licence import Issuer, Licence, Service
from vats.model.numbers import LicenceNumber, NumberKind

NUMBER = "渝B2-20210467"
TODAY = date(2026, 11, 29)  # fixed "today" for the not-in-the-future checks

Scope = Callable[[], AbstractContextManager[Session]]


def reference_licence() -> Licence:
    """The reference licence's main facts, built by hand so register tests need no parser."""
    number = LicenceNumber(
        kind=NumberKind.VATS_LICENCE,
        canonical=NUMBER,
        region_char="渝",
        region="CQ",
        region_name="重庆市",
        classes=("B2",),
        foreign_invested=False,
        year=2021,
        serial="0467",
        site_suffix=None,
        filing_target=None,
        cross_regional=False,
        issuer="重庆市通信管理局",
    )
    return Licence(
        number=NUMBER,
        number_info=number,
        company="重庆万象优车科技有限公司",
        legal_representative="马骏",
        issuer=Issuer(name="重庆市通信管理局", stated=False),
        issue_date=date(2026, 5, 20),
        expiry_date=date(2026, 10, 20),
        services=(
            Service(code="B25", name="信息服务业务", limited_to=("互联网信息服务",), coverage=("重庆市",)),
            Service(
                code="B21",
                name="在线数据处理与交易处理业务",
                limited_to=("经营类电子商务",),
                coverage=("重庆市",),
            ),
        ),
    )


@pytest.fixture
def db_url(migrated_url: str) -> str:
    """Register tests (services and CLI alike) start from a database at the current schema."""
    return migrated_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from vats.store.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def scope(engine: Engine) -> Scope:
    """`with scope() as s:` — one committed unit of work, audited as actor "tester"."""
    from vats.store.db import session_scope

    return lambda: session_scope(engine, actor="tester")


@pytest.fixture
def licence(scope: Scope) -> str:
    """The reference licence, stored; returns its number."""
    from vats.store.licences import import_licence

    with scope() as s:
        import_licence(s, licence=reference_licence())
    return NUMBER
