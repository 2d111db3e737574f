"""Known answers for the number grammar: every example of regulations.md §3.1, errors, and `find`."""

from __future__ import annotations

import pytest

from vats.ingest.numbers import NumberError, find, parse
from vats.model.errors import InputError
from vats.model.numbers import FilingTarget, NumberKind

MIIT = "中华人民共和国工业和信息化部"

# (input, canonical, kind, region, classes, year, serial, suffix, cross_regional)
KNOWN = [
    ("B2-20080207", "B2-20080207", NumberKind.VATS_LICENCE, None, ("B2",), 2008, "0207", None, True),
    ("B2-20110196", "B2-20110196", NumberKind.VATS_LICENCE, None, ("B2",), 2011, "0196", None, True),
    (
        "A2.B1.B2-20090001",
        "A2.B1.B2-20090001",
        NumberKind.VATS_LICENCE,
        None,
        ("A2", "B1", "B2"),
        2009,
        "0001",
        None,
        True,
    ),
    (
        "A2.B1.B2-20090003",
        "A2.B1.B2-20090003",
        NumberKind.VATS_LICENCE,
        None,
        ("A2", "B1", "B2"),
        2009,
        "0003",
        None,
        True,
    ),
    ("京B2-20202418", "京B2-20202418", NumberKind.VATS_LICENCE, "BJ", ("B2",), 2020, "2418", None, False),
    ("渝B2-20140042", "渝B2-20140042", NumberKind.VATS_LICENCE, "CQ", ("B2",), 2014, "0042", None, False),
    ("川B2-20100027", "川B2-20100027", NumberKind.VATS_LICENCE, "SC", ("B2",), 2010, "0027", None, False),
    ("黔B2-20160068", "黔B2-20160068", NumberKind.VATS_LICENCE, "GZ", ("B2",), 2016, "0068", None, False),
    ("滇B2-20160041", "滇B2-20160041", NumberKind.VATS_LICENCE, "YN", ("B2",), 2016, "0041", None, False),
    ("闽B2-20090074", "闽B2-20090074", NumberKind.VATS_LICENCE, "FJ", ("B2",), 2009, "0074", None, False),
    ("蒙B2-20230621", "蒙B2-20230621", NumberKind.VATS_LICENCE, "NM", ("B2",), 2023, "0621", None, False),
    (
        "皖B1.B2-20070020",
        "皖B1.B2-20070020",
        NumberKind.VATS_LICENCE,
        "AH",
        ("B1", "B2"),
        2007,
        "0020",
        None,
        False,
    ),
    ("浙B2-20080224", "浙B2-20080224", NumberKind.VATS_LICENCE, "ZJ", ("B2",), 2008, "0224", None, False),
    ("合字B2-20170010", "合字B2-20170010", NumberKind.VATS_LICENCE, None, ("B2",), 2017, "0010", None, True),
    ("合字B2-20190051", "合字B2-20190051", NumberKind.VATS_LICENCE, None, ("B2",), 2019, "0051", None, True),
    (
        "合字A1.B1.B2-20180017",
        "合字A1.B1.B2-20180017",
        NumberKind.VATS_LICENCE,
        None,
        ("A1", "B1", "B2"),
        2018,
        "0017",
        None,
        True,
    ),
    (
        "ICP证合字B2-20070004号",
        "合字B2-20070004",
        NumberKind.VATS_LICENCE,
        None,
        ("B2",),
        2007,
        "0004",
        None,
        True,
    ),
    (
        "A2.B1.B2-20202637",
        "A2.B1.B2-20202637",
        NumberKind.VATS_LICENCE,
        None,
        ("A2", "B1", "B2"),
        2020,
        "2637",
        None,
        True,
    ),
    ("京ICP证030173号", "京ICP证030173号", NumberKind.ICP_LICENCE, "BJ", (), 2003, "0173", None, False),
    ("京ICP证110507号", "京ICP证110507号", NumberKind.ICP_LICENCE, "BJ", (), 2011, "0507", None, False),
    ("京ICP证090015号", "京ICP证090015号", NumberKind.ICP_LICENCE, "BJ", (), 2009, "0015", None, False),
    ("京ICP证161336号", "京ICP证161336号", NumberKind.ICP_LICENCE, "BJ", (), 2016, "1336", None, False),
    ("京ICP备11041704号", "京ICP备11041704号", NumberKind.ICP_FILING, "BJ", (), 2011, "041704", None, False),
    (
        "京ICP备15039648号-15",
        "京ICP备15039648号-15",
        NumberKind.ICP_FILING,
        "BJ",
        (),
        2015,
        "039648",
        "15",
        False,
    ),
    (
        "陇ICP备2024012699号-3",
        "陇ICP备2024012699号-3",
        NumberKind.ICP_FILING,
        "GS",
        (),
        2024,
        "012699",
        "3",
        False,
    ),
    (
        "吉ICP备2026000231号",
        "吉ICP备2026000231号",
        NumberKind.ICP_FILING,
        "JL",
        (),
        2026,
        "000231",
        None,
        False,
    ),
    (
        "蜀ICP备2025156360号-2",
        "蜀ICP备2025156360号-2",
        NumberKind.ICP_FILING,
        "SC",
        (),
        2025,
        "156360",
        "2",
        False,
    ),
    (
        "黔B2-20010020-102",
        "黔B2-20010020-102",
        NumberKind.VATS_LICENCE,
        "GZ",
        ("B2",),
        2001,
        "0020",
        "102",
        False,
    ),
    ("川B2-20120050-3", "川B2-20120050-3", NumberKind.VATS_LICENCE, "SC", ("B2",), 2012, "0050", "3", False),
    ("黔B2-20090050-4", "黔B2-20090050-4", NumberKind.VATS_LICENCE, "GZ", ("B2",), 2009, "0050", "4", False),
    ("粤A2-20044005", "粤A2-20044005", NumberKind.VATS_LICENCE, "GD", ("A2",), 2004, "4005", None, False),
    (
        "辽B-2-4-20080039",
        "辽B-2-4-20080039",
        NumberKind.VATS_LICENCE,
        "LN",
        ("B-2-4",),
        2008,
        "0039",
        None,
        False,
    ),
    ("川B2-20140015", "川B2-20140015", NumberKind.VATS_LICENCE, "SC", ("B2",), 2014, "0015", None, False),
    (
        "蜀ICP备13008743号-7",
        "蜀ICP备13008743号-7",
        NumberKind.ICP_FILING,
        "SC",
        (),
        2013,
        "008743",
        "7",
        False,
    ),
    (
        "蜀ICP备12007028号-8",
        "蜀ICP备12007028号-8",
        NumberKind.ICP_FILING,
        "SC",
        (),
        2012,
        "007028",
        "8",
        False,
    ),
    ("蜀B2-20180596", "蜀B2-20180596", NumberKind.VATS_LICENCE, "SC", ("B2",), 2018, "0596", None, False),
    ("渝B2-20210467", "渝B2-20210467", NumberKind.VATS_LICENCE, "CQ", ("B2",), 2021, "0467", None, False),
]


@pytest.mark.parametrize(
    ("text", "canonical", "kind", "region", "classes", "year", "serial", "suffix", "cross"), KNOWN
)
def test_known_answers(
    text: str,
    canonical: str,
    kind: NumberKind,
    region: str | None,
    classes: tuple[str, ...],
    year: int,
    serial: str,
    suffix: str | None,
    cross: bool,
) -> None:
    n = parse(text)
    assert (n.canonical, n.kind, n.region, n.classes, n.year, n.serial, n.site_suffix, n.cross_regional) == (
        canonical,
        kind,
        region,
        classes,
        year,
        serial,
        suffix,
        cross,
    )
    assert parse(n.canonical) == n
    assert (n.issuer == MIIT) is cross


def test_issuer_region_and_flags() -> None:
    cq = parse("渝B2-20210467")
    assert (cq.issuer, cq.region_name, cq.region_char, cq.foreign_invested) == (
        "重庆市通信管理局",
        "重庆市",
        "渝",
        False,
    )
    assert parse("合字B2-20170010").foreign_invested is True
    assert (
        parse("粤A2-20044005").legacy and parse("辽B-2-4-20080039").legacy and parse("京ICP证030173号").legacy
    )
    assert not parse("京B2-20202418").legacy
    assert parse("京ICP备11041704号").legacy and not parse("陇ICP备2024012699号-3").legacy
    assert parse("黔B2-20010020-102").base == "黔B2-20010020"


def test_low_confidence_prefixes_carry_notes() -> None:
    assert parse("蜀B2-20180596").notes and not parse("川B2-20180596").notes
    assert "UNCONFIRMED" in parse("甘B2-20200001").notes[0]
    assert parse("陇B2-20200001").region == "GS"


@pytest.mark.parametrize(
    ("text", "target", "suffix"),
    [
        ("京ICP备2021000001号-2A", FilingTarget.APP, "2A"),
        ("京ICP备2021000001号-3x", FilingTarget.MINI_PROGRAM, "3X"),
        ("京ICP备2021000001号-4", FilingTarget.WEBSITE, "4"),
        ("京ICP备2021000001号", None, None),
    ],
)
def test_filing_targets(text: str, target: FilingTarget | None, suffix: str | None) -> None:
    n = parse(text)
    assert (n.filing_target, n.site_suffix) == (target, suffix)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Ｂ２－２００８０２０７", "B2-20080207"),
        ("京 ICP 证 110745 号", "京ICP证110745号"),
        ("京ICP备11041704-15", "京ICP备11041704号-15"),
        ("京B2-20202418号", "京B2-20202418"),
        ("粤ICP備12345678號", "粤ICP备12345678号"),
        ("  渝Ｂ2 － 20210467 ", "渝B2-20210467"),
        ("京icp备11041704号", "京ICP备11041704号"),
    ],
)
def test_input_variants_normalise(text: str, canonical: str) -> None:
    assert parse(text).canonical == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("XB2-20202418", "unknown region character 'X'"),
        ("港B2-20202418", "unknown region character '港'"),
        ("京B2-20512418", "year 2051 out of range"),
        ("京B2-19892418", "year 1989 out of range"),
        ("京B2-2020241", "serial must be 4 digits"),
        ("京B2-202024181", "serial must be 4 digits"),
        ("京ICP证0301735号", "must have 6 digits"),
        ("京ICP备1104170号", r"must have 8 \(YY\+6\) or 10"),
        ("ICP备11041704号", "need a region character"),
        ("B2.B1-20202418", "out of order"),
        ("B2.B2-20202418", "repeats a class"),
        ("京B2-20202418-12345", "site suffix"),
        ("京ICP证030173号-2A", "site suffix"),
        ("hello", "not a licence or ICP number"),
        ("", "not a licence or ICP number"),
    ],
)
def test_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(NumberError, match=message) as err:
        parse(text)
    assert isinstance(err.value, InputError) and int(err.value.exit_code) == 2


def _hits(text: str) -> list[tuple[str, str, str | None]]:
    return [(h.canonical, text[h.start : h.end], h.label) for h in find(text)]


def test_find_run_together_fields() -> None:
    assert _hits("京B2-20202418，A2.B1.B2-20202637") == [
        ("京B2-20202418", "京B2-20202418", None),
        ("A2.B1.B2-20202637", "A2.B1.B2-20202637", None),
    ]
    assert [h[0] for h in _hits("川B2-20140015蜀ICP备13008743号-7")] == [
        "川B2-20140015",
        "蜀ICP备13008743号-7",
    ]
    assert _hits("增值电信业务经营许可证:京B2-20202418京ICP备11041704号-15") == [
        ("京B2-20202418", "京B2-20202418", "增值电信业务经营许可证"),
        ("京ICP备11041704号-15", "京ICP备11041704号-15", None),
    ]


def test_find_in_html_maps_spans_to_the_original() -> None:
    page = (
        '<div class="footer"><p>ICP证：<a href="https://beian.miit.gov.cn">京ICP备11041704号</a>'
        "&nbsp;|&emsp;京 ICP 证 110745 号</p>"
        "<p>京ICP备1104<span>1704</span>&#x53F7;-3 &middot; B2-20110196(全网)</p></div>"
    )
    hits = find(page)
    assert [(h.kind, h.canonical) for h in hits] == [
        (NumberKind.ICP_FILING, "京ICP备11041704号"),
        (NumberKind.ICP_LICENCE, "京ICP证110745号"),
        (NumberKind.ICP_FILING, "京ICP备11041704号-3"),
        (NumberKind.VATS_LICENCE, "B2-20110196"),
    ]
    assert hits[0].label == "ICP证"  # the caption says 证, the value is a filing: kind follows the value
    assert hits[1].raw == "京 ICP 证 110745 号"
    assert hits[2].raw == "京ICP备1104<span>1704</span>&#x53F7;-3"
    assert hits[3].qualifier == "全网"
    assert all(page[h.start : h.end] == h.raw for h in hits)


def test_find_block_tags_separate_numbers_from_following_digits() -> None:
    assert _hits("经营许可证编号：<b>渝B2-20210467</b><br>2021") == [
        ("渝B2-20210467", "渝B2-20210467", "经营许可证编号")
    ]
    assert [h[0] for h in _hits("京ICP备11041704号</p><p>15")] == ["京ICP备11041704号"]


def test_find_ignores_numbers_inside_longer_tokens_and_invalid_values() -> None:
    assert find("XB2-20202418") == []
    assert find("京B2-20202418abc") == []
    assert find("id=AB2-20202418") == []
    assert find("京B2-20512418 京ICP备123号") == []
    assert find("") == [] and find("no numbers here, only B2B and ICP talk") == []


def test_find_skips_numbers_inside_tag_attributes() -> None:
    padding = "x" * 300  # the attribute starts far before the number: the window must not cut the tag
    page = f'<img alt="{padding} 京ICP备11041704号" src="a.png"><p>渝B2-20210467</p>'
    assert [h.canonical for h in find(page)] == ["渝B2-20210467"]


def test_find_full_width_and_label_variants() -> None:
    hits = find("ICP备案号：京ＩＣＰ备１１０４１７０４号－１５ ｜ ICP证合字B2-20070004号")
    assert [(h.canonical, h.label) for h in hits] == [
        ("京ICP备11041704号-15", "ICP备案号"),
        ("合字B2-20070004", "ICP证"),
    ]


def test_find_on_the_reference_licence(seed_text: str) -> None:
    hits = find(seed_text)
    assert hits and {h.canonical for h in hits} == {"渝B2-20210467"}
    assert all(h.label == "经营许可证编号" for h in hits)
    assert all(seed_text[h.start : h.end] == "渝B2-20210467" for h in hits)
