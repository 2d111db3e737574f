"""Regions: the 31 provincial-level regions, their number characters and address lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.model.catalogue import PrefixEvidence
from vats.model.errors import InputError
from vats.reference import regions
from vats.reference.regions import (
    all_regions,
    by_code,
    by_filing_char,
    by_licence_char,
    by_name,
    load_regions,
    region_of_address,
)

CODES = [
    "BJ",
    "TJ",
    "HE",
    "SX",
    "NM",
    "LN",
    "JL",
    "HL",
    "SH",
    "JS",
    "ZJ",
    "AH",
    "FJ",
    "JX",
    "SD",
    "HA",
    "HB",
    "HN",
    "GD",
    "GX",
    "HI",
    "CQ",
    "SC",
    "GZ",
    "YN",
    "XZ",
    "SN",
    "GS",
    "QH",
    "NX",
    "XJ",
]


def test_all_31_regions_in_conventional_order() -> None:
    assert [r.code for r in all_regions()] == CODES


def test_lookups_by_code_char_and_name() -> None:
    cq = by_code("cq")
    assert (
        cq is not None and cq.name == "重庆市" and cq.short == "重庆" and cq.authority == "重庆市通信管理局"
    )
    assert by_licence_char("渝") is cq
    assert by_name("重庆") is cq and by_name("重庆市") is cq and by_name("Chongqing") is cq
    assert by_name("重庆市通信管理局") is cq
    assert by_code("ZZ") is None and by_name("火星") is None


def test_autonomous_regions_use_their_full_authority_names() -> None:
    assert by_code("NM").authority == "内蒙古自治区通信管理局"  # type: ignore[union-attr]
    assert by_code("XJ").authority == "新疆维吾尔自治区通信管理局"  # type: ignore[union-attr]
    assert by_name("广西") is by_code("GX")


def test_sichuan_and_gansu_use_different_filing_characters() -> None:
    sc, gs = by_code("SC"), by_code("GS")
    assert sc is not None and gs is not None
    assert (sc.licence_char, sc.filing_char) == ("川", "蜀")
    assert (gs.licence_char, gs.filing_char) == ("甘", "陇")
    assert gs.licence_evidence is PrefixEvidence.UNCONFIRMED
    assert by_filing_char("蜀") is sc and by_filing_char("陇") is gs
    assert by_licence_char("蜀") is sc  # low-confidence variant seen once in the wild
    assert by_filing_char("川") is None


def test_every_region_has_distinct_characters_and_an_authority() -> None:
    rs = all_regions()
    assert len({r.licence_char for r in rs}) == 31
    assert len({r.filing_char for r in rs}) == 31
    assert all(r.authority == f"{r.name}通信管理局" for r in rs)


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("河北省廊坊市安次区云起道与富文道交叉口万国6号数据中心", "HE"),
        ("廊坊市安次区", "HE"),
        ("内蒙古自治区乌兰察布市集宁区", "NM"),
        ("上海市黄浦区南京东路", "SH"),
        ("贵安新区", "GZ"),
        ("  重 庆 市两江新区", "CQ"),
    ],
)
def test_region_of_address(address: str, code: str) -> None:
    region = region_of_address(address)
    assert region is not None and region.code == code


def test_region_of_address_unknown() -> None:
    assert region_of_address("某某路1号") is None
    assert region_of_address(None) is None


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_loader_rejects_unknown_key_with_file_and_line(tmp_path: Path) -> None:
    text = regions.DATA_PATH.read_text(encoding="utf-8").replace("{code: TJ,", "{colour: red, code: TJ,", 1)
    with pytest.raises(InputError) as err:
        load_regions(_write(tmp_path, text))
    assert err.value.source and err.value.source.endswith("regions.yaml")
    assert err.value.field == "regions.1.colour"
    assert err.value.line is not None and "unknown field" in err.value.message


def test_loader_rejects_missing_key(tmp_path: Path) -> None:
    text = regions.DATA_PATH.read_text(encoding="utf-8").replace(" authority: 天津市通信管理局,", "", 1)
    with pytest.raises(InputError) as err:
        load_regions(_write(tmp_path, text))
    assert "authority" in err.value.message and err.value.field == "regions.1"


def test_loader_rejects_wrong_count_and_bad_char(tmp_path: Path) -> None:
    text = regions.DATA_PATH.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="single character"):
        load_regions(_write(tmp_path, text.replace("licence_char: 津,", "licence_char: 天津,", 1)))
    body = "\n".join(line for line in text.splitlines() if "code: TJ" not in line)
    with pytest.raises(InputError, match="31"):
        load_regions(_write(tmp_path, body))


def test_loader_reports_yaml_syntax_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_regions(_write(tmp_path, "schema: 1\nregions: [\n"))
    assert err.value.line is not None


def test_bundled_file_has_no_duplicate_keys() -> None:
    """The fast loader keeps the last of two equal keys silently; the line-aware one refuses them."""
    from vats.reference.marked_yaml import load_marked

    assert load_marked(regions.DATA_PATH).data["regions"][0]["code"] == "BJ"


def test_division_codes_place_credit_codes() -> None:
    from vats.reference.regions import by_division

    assert by_division("500103").code == "CQ"
    assert by_division("11").code == "BJ"
    assert by_division("650000").code == "XJ"
    assert by_division("99") is None
