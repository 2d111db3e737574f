"""APP filings: numbers recorded in the inventory, and findings for missing, malformed and
suffix-less numbers and for licence apps without a filed counterpart, each with its source."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from vats.checks.app_filings import app_filing_findings
from vats.checks.inventory import parse_inventory
from vats.model.errors import InputError
from vats.model.licence import Licence, Site, SiteKind, SourceSpan
from vats.model.numbers import FilingTarget, LicenceNumber, NumberKind

INVENTORY = """\
items:
  - {kind: site, name: 商城, domain: shop.example.cn}
  - {kind: app, name: 优车APP, package_name: com.example.car, filing_number: 渝ICP备2021004067号-2A,
     stores: [华为应用市场, App Store]}
  - {kind: app, name: 优车小程序, filing_number: 渝ICP备2021004067号-3X, stores: 微信}
  - {kind: app, name: 旧版APP, filing_number: 渝ICP备2021004067号-1}
  - {kind: app, name: 测试APP, filing_number: ICP-12345}
  - {kind: app, name: 无号APP, package_name: com.example.none}
"""


def _licence() -> Licence:
    number = LicenceNumber(
        kind=NumberKind.VATS_LICENCE, canonical="渝B2-20210467", region_char="渝", region="CQ",
        region_name="重庆市", classes=("B2",), foreign_invested=False, year=2021, serial="0467",
        site_suffix=None, filing_target=None, cross_regional=False, issuer="重庆市通信管理局",
    )  # fmt: skip
    return Licence(
        number="渝B2-20210467",
        number_info=number,
        company="重庆万象优车科技有限公司",
        sites=(
            Site(kind=SiteKind.APP, name="优车APP", domain="com.example.car"),
            Site(kind=SiteKind.APP, name="车主助手", domain="com.example.helper"),
        ),
        provenance=MappingProxyType({"sites[1]": SourceSpan(41, 42)}),
    )


def test_inventory_records_filing_number_package_and_stores() -> None:
    items = parse_inventory(INVENTORY, source="inv.yaml", fmt="yaml")
    app = items[1]
    assert (app.filing_number, app.package_name, app.stores) == (
        "渝ICP备2021004067号-2A",
        "com.example.car",
        ("华为应用市场", "App Store"),
    )
    assert items[2].stores == ("微信",)


def test_overlong_filing_number_is_refused_naming_file_line_and_field() -> None:
    with pytest.raises(InputError) as info:
        parse_inventory(
            f"items:\n  - {{kind: app, name: A, filing_number: {'1' * 65}}}\n", source="i.yaml", fmt="yaml"
        )
    assert (info.value.source, info.value.line, info.value.field) == ("i.yaml", 2, "filing_number")


def test_findings_with_their_sources() -> None:
    items = parse_inventory(INVENTORY, source="inv.yaml", fmt="yaml")
    found = {
        (f.id, f.subject): f for f in app_filing_findings(items, licences=[_licence()], source="inv.yaml")
    }
    assert set(found) == {
        ("app_filing.missing", "com.example.none"),
        ("app_filing.malformed", "测试APP"),
        ("app_filing.not_app_number", "旧版APP"),
        ("app_filing.licence_app_unfiled", "车主助手"),
    }
    missing = found[("app_filing.missing", "com.example.none")]
    assert missing.severity.value == "high" and missing.evidence[0].note == "inv.yaml"
    assert missing.evidence[0].line == 8
    unfiled = found[("app_filing.licence_app_unfiled", "车主助手")]
    assert unfiled.evidence[0].line == 41 and unfiled.licence == "渝B2-20210467"
    suffix = found[("app_filing.not_app_number", "旧版APP")]
    assert any(s.reliability.value == "unconfirmed" for s in suffix.sources)


def test_accepted_suffixes_are_a_setting() -> None:
    items = parse_inventory(INVENTORY, source="inv.yaml", fmt="yaml")
    only_apps = app_filing_findings(items, accepted_targets={FilingTarget.APP})
    assert ("app_filing.not_app_number", "优车小程序") in {(f.id, f.subject) for f in only_apps}
