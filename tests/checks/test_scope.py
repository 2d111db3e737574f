"""Reconciling a declared inventory with a (hand-built) licence shaped like the reference one."""

from __future__ import annotations

import dataclasses

import pytest

from vats.checks.inventory import InventoryItem
from vats.checks.scope import reconcile
from vats.ingest.numbers import parse
from vats.model.findings import Finding, Severity
from vats.model.licence import Licence, Service, Site, SiteKind

LANGFANG = "河北省廊坊市安次区云起道与富文道交叉口万国6号数据中心"
VOLCANO = ("北京火山引擎科技有限公司",)


def licence(coverage: tuple[str, ...] = ("重庆市",)) -> Licence:
    b25 = Service(
        "B25",
        "信息服务业务",
        limited_to=("互联网信息服务",),
        excludes=("信息搜索查询服务", "信息即时交互服务"),
        coverage=coverage,
        coverage_stated=False,
    )
    b21 = Service(
        "B21",
        "在线数据处理与交易处理业务",
        limited_to=("经营类电子商务",),
        excludes=("网络借贷信息中介类的互联网金融业务",),
        coverage=coverage,
        coverage_stated=False,
    )
    web = {"server_location": LANGFANG, "access_providers": VOLCANO, "services": ("B25", "B21")}
    sites = (
        Site(SiteKind.WEBSITE, "卖车通", "maichetong.com.cn", **web),  # type: ignore[arg-type]
        Site(SiteKind.WEBSITE, "巨懂车", "autoengine.com", **web),  # type: ignore[arg-type]
        Site(SiteKind.WEBSITE, "懂车帝网站", "dongchedi.com", **web),  # type: ignore[arg-type]
        Site(SiteKind.APP, "巨懂车", "autoengine.com", server_location=LANGFANG, services=("B25",)),
        Site(SiteKind.APP, "懂车帝", "dcarapi.com", server_location=LANGFANG, services=("B25",)),
    )
    return Licence(
        number="渝B2-20210467",
        number_info=parse("渝B2-20210467"),
        company="重庆万象优车科技有限公司",
        services=(b25, b21),
        sites=sites,
    )


def site(name: str, domain: str, *features: str, **kw: str) -> InventoryItem:
    kw.setdefault("server_location", LANGFANG)
    kw.setdefault("access_provider", VOLCANO[0])
    return InventoryItem(SiteKind.WEBSITE, name, domain, features=features, line=7, **kw)  # type: ignore[arg-type]


def by_id(findings: list[Finding], fid: str) -> list[Finding]:
    return [f for f in findings if f.id == fid]


def test_fully_matching_inventory_has_only_info_findings() -> None:
    items = [
        site("卖车通", "maichetong.com.cn", "marketplace", "vehicle_listings"),
        site("巨懂车", "www.autoengine.com", "site_search_own_listings"),
        site("懂车帝网站", "dongchedi.com"),
        InventoryItem(SiteKind.APP, "巨懂车", "autoengine.com"),
        InventoryItem(SiteKind.APP, "懂车帝", "dcarapi.com"),
    ]
    findings = reconcile(licence(), items)
    # servers in Hebei are outside the (inferred) Chongqing coverage, but the licence itself lists them
    assert {f.id for f in findings} == {"inventory.server_outside_coverage", "scope.feature_not_excluded"}
    assert all(f.severity is Severity.INFO for f in findings)
    assert "inferred" in by_id(findings, "inventory.server_outside_coverage")[0].message_en


def test_dealer_chat_flagged_against_im_exclusion_but_own_site_search_is_not() -> None:
    items = [site("懂车帝网站", "dongchedi.com", "dealer_chat", "site_search_own_listings")]
    findings = by_id(reconcile(licence(("全国",)), items), "scope.feature_excluded")
    assert len(findings) == 1
    chat = findings[0]
    assert chat.severity is Severity.HIGH and chat.subject == "dongchedi.com"
    assert "信息即时交互服务" in chat.message_zh and "excludes" in chat.message_en
    assert {s.article for s in chat.sources} >= {"二", "第六十九条", "第十九条"}
    assert any(
        e.field == "inventory.features" and e.value == "dealer_chat" and e.line == 7 for e in chat.evidence
    )
    definition = next(e for e in chat.evidence if e.field == "catalogue.definition")
    assert "即时" in (definition.value or "") and "instant" in (definition.note or "")
    search = by_id(reconcile(licence(("全国",)), items), "scope.feature_not_excluded")
    assert len(search) == 1 and search[0].severity is Severity.INFO
    assert "search engine" in search[0].message_en and "信息搜索查询服务" in search[0].message_zh


def test_search_engine_and_p2p_and_unheld_type() -> None:
    items = [site("卖车通", "maichetong.com.cn", "web_search_engine", "p2p_lending", "video_conferencing")]
    findings = reconcile(licence(("全国",)), items)
    excluded = {
        e.value
        for f in by_id(findings, "scope.feature_excluded")
        for e in f.evidence
        if e.field == "inventory.features"
    }
    assert excluded == {"web_search_engine", "p2p_lending"}
    not_held = by_id(findings, "scope.feature_type_not_held")
    assert len(not_held) == 1 and "B22" in not_held[0].message_en


def test_unlisted_undeclared_and_renamed_domains() -> None:
    items = [
        site("卖车通", "maichetong.com.cn"),
        site("巨懂车", "judongche.cn"),  # same name as a listed site, another domain
        site("新车网", "xinche.example.cn"),  # not on the licence at all
    ]
    findings = reconcile(licence(("全国",)), items)
    assert [f.subject for f in by_id(findings, "inventory.domain_differs")] == ["judongche.cn"]
    assert [f.subject for f in by_id(findings, "inventory.site_not_on_licence")] == ["xinche.example.cn"]
    undeclared = {f.subject for f in by_id(findings, "inventory.licence_site_not_declared")}
    assert undeclared == {"dongchedi.com", "autoengine.com", "dcarapi.com"}  # the website and both apps
    assert findings[0].severity is Severity.HIGH  # most serious first


def test_location_and_access_provider_differences() -> None:
    items = [
        site(
            "懂车帝网站",
            "dongchedi.com",
            server_location="广东省深圳市南山区某数据中心",
            access_provider="某云计算公司",
        )
    ]
    findings = reconcile(licence(), items)
    assert by_id(findings, "inventory.server_location_differs")
    outside = by_id(findings, "inventory.server_outside_coverage")
    assert len(outside) == 1 and outside[0].severity is Severity.MEDIUM  # a B21 site: 十六(四)
    assert "广东" in outside[0].message_zh and outside[0].sources[0].item == "(四)"
    provider = by_id(findings, "inventory.access_provider_differs")
    assert len(provider) == 1 and "某云计算公司" in provider[0].message_zh


def test_items_of_other_licences_are_ignored() -> None:
    other = dataclasses.replace(site("别家", "other.example.cn"), licence="京B2-20200001")
    assert not by_id(reconcile(licence(), [other]), "inventory.site_not_on_licence")


@pytest.mark.parametrize("coverage", [("全国",), ("河北省", "重庆市")])
def test_covered_locations_produce_no_coverage_finding(coverage: tuple[str, ...]) -> None:
    items = [site("懂车帝网站", "dongchedi.com")]
    assert not by_id(reconcile(licence(coverage), items), "inventory.server_outside_coverage")
