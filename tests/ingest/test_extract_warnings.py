"""Each kind of parse warning, triggered by a small document, with the line it points at."""

from __future__ import annotations

from vats.ingest.document import parse_licence_text
from vats.model.licence import Licence

HEAD = "经营许可证编号:渝B2-20210467\n公司名称:重庆测试科技有限公司\n法定代表人:张三\n"


def _codes(licence: Licence) -> dict[str, list[int | None]]:
    found: dict[str, list[int | None]] = {}
    for warning in licence.warnings:
        found.setdefault(warning.code, []).append(warning.line)
    return found


def test_conflicting_values_keep_the_first() -> None:
    licence = parse_licence_text(HEAD + "公司名称:另一家公司\n")
    assert licence.company == "重庆测试科技有限公司"
    assert _codes(licence)["conflict"] == [4]


def test_bad_date_and_empty_field() -> None:
    licence = parse_licence_text(HEAD + "发证日期:2026年02月30日\n有效期至:\n")
    assert licence.issue_date is None and licence.expiry_date is None
    codes = _codes(licence)
    assert codes["bad_date"] == [4]
    assert codes["empty_field"] == [5]


def test_unknown_business_type_keeps_the_printed_name_as_code() -> None:
    licence = parse_licence_text(HEAD + "获准经营的业务种类\n星际通信业务(仅限火星)\n")
    assert [(s.code, s.name, s.limited_to) for s in licence.services] == [
        ("星际通信业务", "星际通信业务", ("火星",))
    ]
    assert _codes(licence)["unknown_service"] == [5]


def test_service_only_named_above_a_site_block() -> None:
    text = (
        HEAD
        + "重庆测试科技有限公司获准经营信息服务业务(仅限互联网信息服务)相关信息\n"
        + "网站名称:测试站\n网站域名:ce.cn\n"
    )
    licence = parse_licence_text(text)
    assert [s.code for s in licence.services] == ["B25"]
    assert licence.sites[0].services == ("B25",)
    assert _codes(licence)["service_only_in_sites"] == [4]


def test_unknown_region_is_kept_and_flagged() -> None:
    licence = parse_licence_text(HEAD + "获准经营的业务种类\n信息服务业务\n业务覆盖范围:北京、火星\n")
    assert licence.services[0].coverage == ("北京市", "火星")
    assert _codes(licence)["unknown_region"] == [6]


def test_cross_regional_without_coverage_is_flagged_not_invented() -> None:
    text = "经营许可证编号:B2-20190001\n公司名称:测试公司\n获准经营的业务种类\n信息服务业务\n"
    licence = parse_licence_text(text)
    assert licence.services[0].coverage == ()
    assert _codes(licence)["missing_coverage"] == [4]


def test_number_without_its_label_is_found_and_flagged() -> None:
    licence = parse_licence_text("许可证 渝B2-20210467 号\n公司名称:测试公司\n")
    assert licence.number == "渝B2-20210467"
    assert _codes(licence)["unlabelled_number"] == [1]


def test_site_field_without_a_site_name() -> None:
    licence = parse_licence_text(HEAD + "网站域名:orphan.cn\n")
    assert licence.sites == ()
    assert _codes(licence)["unplaced"] == [4]


def test_site_without_domain() -> None:
    licence = parse_licence_text(HEAD + "网站名称:无域名站\n")
    assert licence.sites[0].domain == ""
    assert 4 in _codes(licence)["missing_field"]  # the others (dates) have no line
