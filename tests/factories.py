"""Test factories: hand-built licences (independent of the ingest parser) and shared constants.

`make_reference()` is the full reference licence 渝B2-20210467; `register_licence()` its main facts
only, enough for register tests. Importable from any test module (`from factories import ...`):
tests/ is on the import path through its conftest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vats.model.licence import Issuer, Licence, Provision, ProvisionItem, Service, Site, SiteKind
from vats.model.numbers import LicenceNumber, NumberKind

NUMBER = "渝B2-20210467"
TODAY = date(2026, 11, 29)  # a fixed "today" for the not-in-the-future checks of register tests


def make_number(
    canonical: str = NUMBER, *, year: int | None = 2021, cross_regional: bool = False
) -> LicenceNumber:
    return LicenceNumber(
        kind=NumberKind.VATS_LICENCE,
        canonical=canonical,
        region_char=None if cross_regional else "渝",
        region=None if cross_regional else "CQ",
        region_name=None if cross_regional else "重庆市",
        classes=("B2",),
        foreign_invested=False,
        year=year,
        serial=canonical[-4:],
        site_suffix=None,
        filing_target=None,
        cross_regional=cross_regional,
        issuer="中华人民共和国工业和信息化部" if cross_regional else "重庆市通信管理局",
    )


def make_reference(provisions: tuple[Provision, ...] = ()) -> Licence:
    return Licence(
        number=NUMBER,
        number_info=make_number(),
        company="重庆万象优车科技有限公司",
        legal_representative="马骏",
        issue_date=date(2026, 5, 20),
        expiry_date=date(2026, 10, 20),
        services=(
            Service(
                "B25",
                "信息服务业务",
                limited_to=("互联网信息服务",),
                excludes=("信息搜索查询服务", "信息即时交互服务"),
                coverage=("重庆市",),
            ),
            Service(
                "B21", "在线数据处理与交易处理业务", limited_to=("经营类电子商务",), coverage=("重庆市",)
            ),
        ),
        sites=(
            Site(SiteKind.WEBSITE, "卖车通", "maichetong.com.cn", services=("B25", "B21")),
            Site(SiteKind.WEBSITE, "巨懂车", "autoengine.com", services=("B25", "B21")),
            Site(SiteKind.WEBSITE, "懂车帝网站", "dongchedi.com", services=("B25", "B21")),
            Site(SiteKind.APP, "懂车帝", "dcarapi.com", services=("B25", "B21")),
        ),
        provisions=provisions,
    )


__all__ = ["NUMBER", "Provision", "ProvisionItem", "make_number", "make_reference"]


def register_licence() -> Licence:
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


def small_portfolio(db_url: str, seed_path: Any) -> None:
    """The reference licence and three synthetic ones expiring at different distances from early
    November 2026 (one expired, one inside the renewal horizon, one beyond), stored in `db_url`."""
    import dataclasses

    from vats.ingest.render import synthetic_licence
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence

    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        import_licence(s, path=seed_path)
        for n, expiry in ((3, date(2026, 11, 20)), (5, date(2027, 3, 1)), (7, date(2026, 9, 1))):
            import_licence(s, licence=dataclasses.replace(synthetic_licence(n), expiry_date=expiry))
    engine.dispose()
