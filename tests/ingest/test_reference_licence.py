"""The reference licence 渝B2-20210467 (a noisy scan): every field, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.ingest.document import parse_licence_text, read_licence
from vats.model.licence import Licence, SiteKind

ADDRESS = "河北省廊坊市安次区云起道与富文道交叉口万国6号数据中心"
BOTH = ("B25", "B21")


@pytest.fixture(scope="module")
def licence(seed_path: Path) -> Licence:
    return read_licence(seed_path)


def test_main_page(licence: Licence) -> None:
    assert licence.number == "渝B2-20210467"
    assert licence.number_info.region_name == "重庆市"
    assert licence.company == "重庆万象优车科技有限公司"
    assert licence.legal_representative == "马骏"
    assert licence.title == "增值电信业务经营许可证"
    assert licence.issue_date.isoformat() == "2026-05-20"
    assert licence.expiry_date.isoformat() == "2026-10-20"


def test_issuer_is_inferred_from_the_number(licence: Licence) -> None:
    assert licence.issuer is not None
    assert (licence.issuer.name, licence.issuer.stated) == ("重庆市通信管理局", False)


def test_business_types(licence: Licence) -> None:
    assert [s.code for s in licence.services] == ["B25", "B21"]
    b25, b21 = licence.services
    assert b25.name == "信息服务业务"
    assert b25.limited_to == ("互联网信息服务",)
    assert b25.excludes == ("信息搜索查询服务", "信息即时交互服务")
    assert b21.name == "在线数据处理与交易处理业务"
    assert b21.limited_to == ("经营类电子商务",)
    assert b21.excludes == ("网络借贷信息中介类的互联网金融业务",)
    note = "依法须经批准的项目,经相关部门批准后方可开展相应经营活动"
    assert b25.notes == (note,) and b21.notes == (note,)
    for svc in licence.services:
        assert svc.includes == ()
        assert svc.coverage == ("重庆市",)
        assert svc.coverage_stated is False


def test_exactly_five_sites_merged_across_business_types(licence: Licence) -> None:
    summary = [(s.kind, s.name, s.domain, s.services) for s in licence.sites]
    assert summary == [
        (SiteKind.WEBSITE, "卖车通", "maichetong.com.cn", BOTH),
        (SiteKind.WEBSITE, "巨懂车", "autoengine.com", BOTH),
        (SiteKind.WEBSITE, "懂车帝网站", "dongchedi.com", BOTH),
        (SiteKind.APP, "巨懂车", "autoengine.com", BOTH),
        (SiteKind.APP, "懂车帝", "dcarapi.com", BOTH),
    ]
    for site in licence.sites:
        assert site.server_location == ADDRESS
        if site.kind is SiteKind.WEBSITE:
            assert site.access_providers == ("北京火山引擎科技有限公司",)
            assert site.app_stores == ()
        else:
            assert site.access_providers == ()


def test_app_stores_kept_as_printed(licence: Licence) -> None:
    apps = {s.name: s for s in licence.sites if s.kind is SiteKind.APP}
    assert apps["巨懂车"].app_stores == (
        "小米应用商店",
        "应用宝",
        "vivo应用商店",
        "oppo应用商店",
        "华为应用商店",
        "App Store",
    )
    # "oppo等应用商城" stays one entry: 等 ("and others") names no further store we could list.
    assert apps["懂车帝"].app_stores == ("pp store", "华为/鸿蒙", "荣耀", "oppo等应用商城")


def test_ocr_slips_are_warnings_with_the_likely_reading(licence: Licence) -> None:
    slips = {(w.raw, w.suggestion, w.line) for w in licence.warnings if w.code == "ocr_slip"}
    assert slips == {("pp store", "App Store", 97), ("人員", "人员", 209)}
    item = licence.provision(15).items[5]
    assert "管理人員" in item.text  # the raw value is kept


def test_provisions(licence: Licence) -> None:
    assert [p.number for p in licence.provisions] == list(range(1, 17))
    assert [len(p.items) for p in licence.provisions] == [0] * 14 + [13, 7]
    art15, art16 = licence.provision(15), licence.provision(16)
    assert art15.text == "你公司在经营信息服务业务时,应当遵守下列规定:"
    assert [i.number for i in art15.items] == list(range(1, 14))
    assert [i.applies_to for i in art15.items[9:]] == [
        "信息发布平台及递送服务",
        "信息搜索查询服务",
        "信息社区平台服务",
        "信息即时交互服务",
    ]
    assert all(i.applies_to is None for i in art15.items[:9])
    assert art15.items[9].text.startswith("你公司提供信息发布平台和递送服务时,")
    assert art16.items[6].text.endswith("并在安全评估完成30日内向电信主管部门提交书面评估报告。")
    assert licence.provision(14).text == "你公司应当在每年第一季度参加电信主管部门组织的经营许可证年报。"


def test_no_duplicated_or_broken_fragments(licence: Licence, seed_text: str) -> None:
    everything = repr(licence.essentials())
    assert "万国6号数据中心6号数据中心" not in everything
    assert "渝B2-20210467" not in "".join(
        p.text + "".join(i.text for i in p.items) for p in licence.provisions
    )
    dups = [(w.line, w.raw) for w in licence.warnings if w.code == "duplicate_fragment"]
    assert dups == [(64, "6号数据中心"), (74, "6号数据中心")]
    assert not [w for w in licence.warnings if w.code in ("unplaced", "truncated", "conflict")]


def test_copy_restriction_is_faithful(licence: Licence) -> None:
    # Printed on two lines, "仅供懂车帝网站/APP" / "再次复印无效": joined with one space, nothing added.
    assert licence.copy_restriction == "仅供懂车帝网站/APP 再次复印无效"


def test_provenance_points_at_original_lines(licence: Licence, seed_text: str) -> None:
    lines = seed_text.splitlines()
    prov = licence.provenance
    assert (prov["number"].first_line, prov["company"].first_line) == (5, 9)
    assert "马骏" in lines[prov["legal_representative"].first_line - 1]
    assert (prov["services[0]"].first_line, prov["services[1]"].first_line) == (34, 36)
    assert (prov["copy_restriction"].first_line, prov["copy_restriction"].last_line) == (40, 41)
    assert (prov["provisions[14].items[5]"].first_line) == 209
    assert "pp store" in lines[prov["sites[4].app_stores"].first_line - 1]


def test_source_and_text_entry_point_agree(licence: Licence, seed_text: str) -> None:
    assert licence.source is not None and licence.source.encoding == "utf-8"
    assert parse_licence_text(seed_text).essentials() == licence.essentials()


@pytest.mark.parametrize("noise_seed", [None, 0, 1, 2, 3])
def test_rendering_the_reference_licence_parses_back_to_it(licence: Licence, noise_seed: int | None) -> None:
    from vats.ingest.render import render_licence

    text = render_licence(licence, noise=noise_seed is not None, seed=noise_seed or 0)
    assert parse_licence_text(text).essentials() == licence.essentials()
