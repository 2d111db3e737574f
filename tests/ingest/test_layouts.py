"""The other layouts users feed in: cross-regional, several business types with their own
coverage, the old ICP certificate, a truncated document, text that is not a licence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vats.ingest.document import parse_licence_text, read_licence
from vats.model.errors import InputError
from vats.model.licence import LicenceTitle, SiteKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "licences"


def test_cross_regional_licence_has_coverage_per_business_type() -> None:
    licence = read_licence(FIXTURES / "cross_regional_b1b2.txt")
    assert licence.number == "B1.B2-20190001"
    assert licence.number_info.cross_regional
    assert licence.title == LicenceTitle.CROSS_REGIONAL.value
    assert licence.issuer is not None
    assert (licence.issuer.name, licence.issuer.stated) == ("中华人民共和国工业和信息化部", True)
    assert [(s.code, s.coverage, s.coverage_stated) for s in licence.services] == [
        ("B11", ("北京市", "上海市", "广东省"), True),
        ("B12", ("全国",), True),
        ("B25", ("北京市", "天津市", "河北省"), True),
    ]
    assert licence.services[0].excludes == ("互联网资源协作服务",)
    assert licence.services[2].excludes == ("互联网信息服务",)
    assert licence.coverage == ("北京市", "上海市", "广东省", "全国", "天津市", "河北省")
    assert [p.number for p in licence.provisions] == [1, 2, 3]
    assert licence.warnings == ()


def test_several_business_types_each_with_its_own_coverage_and_sites() -> None:
    licence = read_licence(FIXTURES / "multi_service_coverage.txt")
    assert [s.code for s in licence.services] == ["B25", "B21", "B24"]
    assert all(s.coverage == ("广东省",) and s.coverage_stated for s in licence.services)
    assert licence.issuer is not None and licence.issuer.stated
    website, app = licence.sites
    assert (website.kind, website.services) == (SiteKind.WEBSITE, ("B25", "B21"))
    assert (app.kind, app.services, app.domain) == (SiteKind.APP, ("B21",), "api.qinghe-youxuan.cn")
    assert app.server_location == "广东省深圳市南山区科技园数据中心3号楼"  # broken line re-joined
    assert app.app_stores == ("华为应用市场", "应用宝", "App Store")
    item = licence.provision(2).items[1]
    assert (item.applies_to, item.text) == ("信息发布平台及递送服务", "不得强行推送信息。")
    assert licence.warnings == ()


def test_old_icp_certificate() -> None:
    licence = read_licence(FIXTURES / "old_icp_certificate.txt")
    assert licence.number == "京ICP证030173号"
    assert licence.title == LicenceTitle.ICP.value
    (svc,) = licence.services
    assert (svc.code, svc.limited_to, svc.includes, svc.coverage) == (
        "B25",
        ("互联网信息服务",),
        ("新闻", "教育", "文化"),
        ("北京市",),
    )
    (site,) = licence.sites
    assert (site.name, site.domain, site.services) == ("墨池文化网", "www.mochi-culture.cn", ("B25",))
    assert licence.issuer is not None and licence.issuer.name == "北京市通信管理局"
    assert licence.provisions == ()
    # 注册资本 is printed but not modelled: reported, not silently dropped.
    assert [(w.code, w.line, w.raw) for w in licence.warnings] == [("unmodelled_field", 7, "100万元")]


def test_truncated_after_the_main_page_parses_with_a_warning(seed_text: str) -> None:
    main_page = "\n".join(seed_text.splitlines()[:26])
    licence = parse_licence_text(main_page)
    assert (licence.number, licence.company) == ("渝B2-20210467", "重庆万象优车科技有限公司")
    assert licence.services == () and licence.provisions == ()
    (truncated,) = [w for w in licence.warnings if w.code == "truncated"]
    assert "business types" in truncated.message and "special provisions" in truncated.message


def test_truncated_before_the_company_is_refused(seed_text: str) -> None:
    with pytest.raises(InputError, match="公司名称"):
        parse_licence_text("\n".join(seed_text.splitlines()[:6]), source_name="cut.txt")


def test_not_a_licence() -> None:
    with pytest.raises(InputError, match="not a licence"):
        read_licence(FIXTURES / "not_a_licence.txt")


def test_unplaced_text_becomes_a_warning_with_its_line(seed_text: str) -> None:
    lines = seed_text.splitlines()
    lines.insert(12, "这一行不属于任何字段。")
    licence = parse_licence_text("\n".join(lines))
    unplaced = [(w.line, w.raw) for w in licence.warnings if w.code == "unplaced"]
    assert unplaced == [(13, "这一行不属于任何字段。")]


def test_gb18030_file_is_read_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((FIXTURES / "multi_service_coverage.txt").read_text(encoding="utf-8").encode("gb18030"))
    licence = read_licence(path)
    assert licence.source is not None and licence.source.encoding == "gb18030"
    assert licence.company == "深圳青禾智联科技有限公司"


def test_a_garbled_article_numeral_is_reported_not_renumbered(seed_text: str) -> None:
    text = seed_text.replace("十四、你公司应当在每年第一季度", "三一、你公司应当在每年第一季度")
    licence = parse_licence_text(text)
    assert [p.number for p in licence.provisions] == [*range(1, 14), 15, 16]
    numbering = [(w.line, w.raw) for w in licence.warnings if w.code == "numbering"]
    assert numbering == [(191, "三一、你公司应当在每年第"), (197, None)]
    # The garbled article's text is not lost: it continues article 13 and is flagged by numbering.
    assert "三一、你公司应当在每年第一季度" in licence.provision(13).text


def test_coverage_label_variant_with_service_items() -> None:
    text = (FIXTURES / "cross_regional_b1b2.txt").read_text(encoding="utf-8")
    text = text.replace("业务覆盖范围：全国", "业务覆盖范围（服务项目）：全国")
    licence = parse_licence_text(text)
    assert licence.services[1].coverage == ("全国",)
    assert licence.warnings == ()


def test_table_layout_rows_carry_coverage_in_a_column() -> None:
    text = (
        "跨地区增值电信业务经营许可证\n经营许可证编号:B2-20200123\n公司名称:上海启明数智科技有限公司\n"
        "法定代表人:郭一鸣\n发证机关:中华人民共和国工业和信息化部\n"
        "发证日期:二〇二〇年六月十八日\n有效期至:2025年06月18日\n"
        "业务种类  服务项目  业务覆盖范围\n"
        "在线数据处理与交易处理业务(仅限经营类电子商务)  上海、江苏、浙江\n"
        "信息服务业务(不含互联网信息服务)  全国\n"
        "一、你公司应当遵守电信管理法律法规。\n"
    )
    licence = parse_licence_text(text)
    assert [(s.code, s.coverage) for s in licence.services] == [
        ("B21", ("上海市", "江苏省", "浙江省")),
        ("B25", ("全国",)),
    ]
    assert licence.issue_date == date(2020, 6, 18)
    assert licence.warnings == ()


def test_provisions_printed_before_the_appendix(seed_text: str) -> None:
    lines = seed_text.splitlines()
    reordered = lines[:26] + lines[154:] + lines[26:154]
    licence = parse_licence_text("\n".join(reordered))
    reference = parse_licence_text(seed_text)
    assert licence.essentials() == reference.essentials()
    assert not [w for w in licence.warnings if w.code in ("unplaced", "truncated")]
