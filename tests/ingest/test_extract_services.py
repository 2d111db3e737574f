"""The business-type grammar, as printed in the appendix, site headings and old certificates."""

from __future__ import annotations

from vats.ingest.extract_services import parse_service_text, split_list


def test_limited_excluded_and_note() -> None:
    svc = parse_service_text(
        "信息服务业务(仅限互联网信息服务)不含信息搜索查询服务、信息即时交互服务。【须经批准】"
    )
    assert svc is not None
    assert (svc.name, svc.limited_to, svc.excludes, svc.notes) == (
        "信息服务业务",
        ["互联网信息服务"],
        ["信息搜索查询服务", "信息即时交互服务"],
        ["须经批准"],
    )
    assert svc.leftover == []


def test_category_prefix_inline_coverage_and_includes() -> None:
    svc = parse_service_text(
        "第一类增值电信业务中的互联网数据中心业务(含互联网资源协作服务),业务覆盖范围:北京、上海"
    )
    assert svc is not None
    assert (svc.name, svc.includes, svc.coverage) == (
        "互联网数据中心业务",
        ["互联网资源协作服务"],
        ["北京", "上海"],
    )


def test_exclusion_inside_parentheses_and_unknown_clause_is_leftover() -> None:
    svc = parse_service_text("信息服务业务(不含互联网信息服务;试运营)")
    assert svc is not None
    assert svc.excludes == ["互联网信息服务"]
    assert svc.leftover == ["试运营"]


def test_not_a_business_type() -> None:
    assert parse_service_text("网站名称:某站") is None
    assert split_list("北京、上海,广东。") == ["北京", "上海", "广东"]
