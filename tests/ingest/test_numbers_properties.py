"""Property tests for the number grammar: canonical round-trips, recovery from noise, no crashes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vats.ingest.numbers import find, parse
from vats.reference.regions import all_regions

REGIONS = all_regions()
CLASS_LISTS = ["B2", "B1", "B1.B2", "A2.B1.B2", "A1.B1.B2", "A2"]

years = st.integers(min_value=1995, max_value=2049)
serial4 = st.integers(min_value=0, max_value=9999).map(lambda n: f"{n:04d}")
suffix = st.none() | st.integers(min_value=1, max_value=999).map(str)


@st.composite
def vats_numbers(draw: st.DrawFn) -> str:
    region = draw(st.none() | st.sampled_from(REGIONS))
    prefix = region.licence_char if region else ""
    foreign = draw(st.booleans()) if region is None else False
    classes = draw(st.sampled_from(CLASS_LISTS))
    text = f"{prefix}{'合字' if foreign else ''}{classes}-{draw(years)}{draw(serial4)}"
    tail = draw(suffix)
    return text + (f"-{tail}" if tail else "")


@st.composite
def icp_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    if draw(st.booleans()):
        return f"{region.filing_char}ICP证{draw(years) % 100:02d}{draw(serial4)}号"
    year = draw(years)
    digits = f"{year % 100:02d}" if draw(st.booleans()) else f"{year}"
    digits += f"{draw(st.integers(min_value=0, max_value=999999)):06d}"
    tail = draw(suffix)
    letter = draw(st.sampled_from(["", "A", "X"])) if tail else ""
    return f"{region.filing_char}ICP备{digits}号" + (f"-{tail}{letter}" if tail else "")


numbers = vats_numbers() | icp_numbers()

# Noise that can never extend a number: CJK words, punctuation, tags, entities, ASCII words set off by
# spaces (a number glued to a longer alphanumeric token is deliberately not reported).
FRAGMENTS = [
    "版权所有",
    "联系我们",
    " Copyright © 2024 ",
    "<p>",
    "</p>",
    "<br/>",
    '<a href="https://beian.miit.gov.cn/" target="_blank">',
    "</a>",
    "&nbsp;",
    "&emsp;",
    "&amp;",
    " | ",
    "，",
    "：",
    "\n",
    "<span>",
    "</span>",
    "公司地址：北京市海淀区 ",
    " 2024年 ",
    " ABC ",
    "<div class='x'>",
]
noise = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)


@given(numbers)
def test_canonical_round_trips(text: str) -> None:
    n = parse(text)
    assert n.canonical == text
    assert parse(n.canonical) == n


@given(numbers, st.sampled_from(["", " ", "　"]))
def test_full_width_and_spacing_variants_parse_to_the_same_value(text: str, gap: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert parse(gap.join(wide)) == parse(text)


@settings(max_examples=200)
@given(noise, numbers, noise)
def test_find_recovers_a_number_embedded_in_noise(before: str, number: str, after: str) -> None:
    text = before + number + after
    hits = [h for h in find(text) if h.canonical == number]
    assert len(hits) == 1
    assert (hits[0].start, hits[0].end) == (len(before), len(before) + len(number))
    assert hits[0].raw == number


@given(st.text(max_size=300))
def test_find_never_crashes_and_spans_are_consistent(text: str) -> None:
    for hit in find(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.raw
        assert parse(hit.canonical) == hit.number


@given(st.text(alphabet=st.sampled_from(list("京渝蜀ICP证备号合字AB12-.&;#x<>/ 0123456789")), max_size=120))
def test_find_never_crashes_on_number_like_soup(text: str) -> None:
    for hit in find(text):
        assert text[hit.start : hit.end] == hit.raw


@settings(max_examples=200)
@given(noise, numbers, noise, st.data())
def test_find_sees_through_inline_tags_and_entities_inside_a_number(
    before: str, number: str, after: str, data: st.DataObject
) -> None:
    # A tag splitting the anchor tokens themselves ("I<b>CP", "B<b>2") is a documented blind spot.
    inside = {i for m in re.finditer(r"ICP|[AB][12]|B-2-", number) for i in range(m.start() + 1, m.end())}
    cut = data.draw(st.sampled_from([i for i in range(1, len(number)) if i not in inside]))
    tag = data.draw(st.sampled_from(["<span>", "</span>", "<b class='n'>", "<!-- x -->", "<a href='#'>"]))
    marked = (number[:cut] + tag + number[cut:]).replace("号", "&#x53F7;")
    text = before + marked + after
    hits = [h for h in find(text) if h.canonical == number]
    assert len(hits) == 1
    assert (hits[0].start, hits[0].end) == (len(before), len(before) + len(marked))
