"""The normalisation stage on its own: width, spaces, headings, page furniture, broken lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vats.ingest.normalise import clean_line, is_duplicate_fragment, normalise, survives_break


def test_full_width_punctuation_and_ideographic_space_become_half_width() -> None:
    assert clean_line("公司名称：重庆（测试）有限公司；") == "公司名称:重庆(测试)有限公司;"
    assert clean_line("ＡＢＣ１２３\u3000域名") == "ABC123域名"


def test_stray_spaces_next_to_chinese_go_latin_spaces_stay() -> None:
    assert clean_line("(附 页)") == "(附页)"
    assert clean_line("网站域名:  dongchedi.com  ") == "网站域名:dongchedi.com"
    assert clean_line("要求, 针对木马") == "要求,针对木马"
    assert clean_line("华为应用商店、App  Store") == "华为应用商店、App Store"


def test_markdown_heading_marks_are_removed() -> None:
    assert clean_line("## 特别规定事项") == "特别规定事项"


def test_broken_lines_are_joined_with_a_line_map() -> None:
    text = (
        "服务器放置地址: 河北省廊坊市安次区万国  \n6号数据中心\n\n"
        "APP接入服务提供单位: 小米应用商店、o  \nppo应用商店\n"
    )
    doc = normalise(text)
    assert doc.lines == (
        "服务器放置地址:河北省廊坊市安次区万国6号数据中心",
        "APP接入服务提供单位:小米应用商店、oppo应用商店",
    )
    assert doc.spans == ((1, 2), (4, 5))


def test_fragment_duplicated_by_a_page_break_is_dropped_and_recorded() -> None:
    doc = normalise("服务器放置地址:交叉口万国6号数据中心\n\n6号数据中心\n\n网站接入服务提供单位:某公司\n")
    assert doc.lines == ("服务器放置地址:交叉口万国6号数据中心", "网站接入服务提供单位:某公司")
    assert [(d.line, d.reason) for d in doc.dropped] == [(3, "duplicate")]


def test_repeated_page_headers_keep_the_first_and_drop_the_rest() -> None:
    text = (
        "中华人民共和国 增值电信业务经营许可证\n经营许可证编号:渝B2-20210467\n公司名称:甲公司\n"
        "经营许可证编号:渝B2-20210467\n中华人民共和国增值电信业务经营许可证  \n(附 页)\n"
        "## 特别规定事项\n一、第一条。\n经营许可证编号:渝B2-20210467\n## 特别规定事项\n二、第二条。\n"
    )
    doc = normalise(text)
    assert doc.lines == (
        "中华人民共和国增值电信业务经营许可证",
        "经营许可证编号:渝B2-20210467",
        "公司名称:甲公司",
        "特别规定事项",
        "一、第一条。",
        "二、第二条。",
    )
    assert {d.reason for d in doc.dropped} == {"page_header", "page_mark"}
    assert doc.spans[-1] == (11, 11)


def test_a_closed_sentence_is_not_continued_and_a_starter_is_never_glued() -> None:
    doc = normalise(
        "一、第一条内容。\n补充一段\n(一)第一项,这一项的文字足够长到会被换行的宽度\n网站名称:某站\n"
    )
    assert doc.lines == (
        "一、第一条内容。",
        "补充一段",
        "(一)第一项,这一项的文字足够长到会被换行的宽度",
        "网站名称:某站",
    )


def test_a_short_line_is_not_continued() -> None:
    assert normalise("法定代表人:马骏\n多余的一行\n").lines == ("法定代表人:马骏", "多余的一行")


def test_short_tails_are_not_treated_as_duplicates() -> None:
    assert not is_duplicate_fragment("数据中心", "中心")
    assert is_duplicate_fragment("万国6号数据中心", "数据中心")


_CJK = st.text(alphabet=st.sampled_from("河北省廊坊市数据中心应用商店科技有限公司"), min_size=4, max_size=30)


@settings(deadline=None)  # the machine may be shared: no wall-clock limits in tests
@given(value=_CJK, cut=st.integers(min_value=1, max_value=29))
def test_every_break_the_renderer_may_make_is_repaired(value: str, cut: int) -> None:
    line = "服务器放置地址:" + value
    first, rest = line[: 8 + min(cut, len(value) - 1)], line[8 + min(cut, len(value) - 1) :]
    if survives_break(first, rest):
        assert normalise(f"{first}  \n{rest}\n").lines == (line,)


@settings(deadline=None)
@given(
    value=_CJK,
    more=_CJK,
    cut=st.integers(min_value=1, max_value=29),
    cut2=st.integers(min_value=1, max_value=29),
)
def test_a_paragraph_wrapped_over_three_lines_is_repaired(value: str, more: str, cut: int, cut2: int) -> None:
    line = "(一)你公司应当按照" + value + more
    at = min(9 + cut, len(line) - 2)
    first, rest = line[:at], line[at:]
    at2 = min(cut2, len(rest) - 1)
    middle, tail = rest[:at2], rest[at2:]
    if survives_break(first, rest) and survives_break(middle, tail, before=first):
        assert normalise(f"{first}\n{middle}\n{tail}\n").lines == (line,)


def test_a_continuation_must_not_start_a_line_of_its_own() -> None:
    first = "(一)你公司应当按照电信主管部门要求配备人员"
    middle = "配备相应数量的专职网络与信息安全管理"
    assert not survives_break(middle, "人员和机构")  # alone it could glue onto any open line
    assert not survives_break("十五、你公司应当按照电信主管部门", "要求", before=first)
    assert survives_break(middle, "人员和机构", before=first)
    assert not survives_break(middle, "信息安全管理", before=first)  # a repeat: dropped


@settings(deadline=None)
@given(st.text(max_size=300))
def test_line_map_is_monotonic_and_in_range(text: str) -> None:
    doc = normalise(text)
    total = len(text.splitlines())
    previous = 0
    assert len(doc.lines) == len(doc.spans)
    for first, last in doc.spans:
        assert previous < first <= last <= total
        previous = last


def test_a_bare_heading_mark_is_an_empty_line() -> None:
    assert normalise("公司名称:甲公司\n#\n网站名称:某站\n").lines == ("公司名称:甲公司", "网站名称:某站")


def test_page_numbers_in_common_forms_are_dropped() -> None:
    text = "公司名称:甲公司\n第 1 页 共 3 页\n- 2 -\nPage 3 of 3\n2 / 3\n（附页）\n法定代表人:乙\n"
    doc = normalise(text)
    assert doc.lines == ("公司名称:甲公司", "法定代表人:乙")
    assert [d.reason for d in doc.dropped] == ["page_mark"] * 5


_NOISY_LINES = st.lists(
    st.sampled_from(
        [
            "",
            "  ",
            "#",
            "经营许可证编号:渝B2-20210467",
            "中华人民共和国 增值电信业务经营许可证",
            "(附 页)",
            "服务器放置地址: 河北省廊坊市安次区云起道与富文道交叉口万国",
            "6号数据中心",
            "国6号数据中心",
            "一、第一条。",
            "(一) 第一项",
            "App Store",
            "第 2 页",
            "普通的一行文字",
        ]
    ),
    max_size=40,
)


@settings(deadline=None)
@given(_NOISY_LINES)
def test_no_line_is_lost_silently(lines: list[str]) -> None:
    """Every original line with text is in some normalised line's range or recorded as dropped."""
    doc = normalise("\n".join(lines))
    covered = {n for first, last in doc.spans for n in range(first, last + 1)}
    covered |= {d.line for d in doc.dropped}
    with_text = {n for n, line in enumerate(lines, start=1) if clean_line(line)}
    assert with_text <= covered
    joined = "".join(doc.lines) + "".join(d.text for d in doc.dropped)
    for line in lines:
        assert clean_line(line).replace(" ", "") in joined.replace(" ", "")


def test_markdown_emphasis_is_removed() -> None:
    assert clean_line("**公司名称**: 甲公司") == "公司名称:甲公司"
