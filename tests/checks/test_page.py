"""Decoding and visible-text extraction of homepages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vats.checks.page import charset_from_header, charset_from_meta, decode, extract

FOOTER_TEXT = "经营许可证编号：渝B2-20210467"


def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="utf-8"><p>重庆</p>'.encode("gbk")
    text, enc = decode(body, "text/html; charset=GBK")
    assert "重庆" in text and enc == "gb18030"


def test_meta_http_equiv_charset() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    body = (meta + "<p>懂车帝</p>").encode("gb18030")
    assert charset_from_meta(body) == "gb2312"
    text, enc = decode(body, "text/html")
    assert "懂车帝" in text and enc == "gb18030"


def test_undeclared_gbk_is_detected() -> None:
    words = "重庆万象优车科技有限公司 经营许可证编号 网站首页显著位置 " * 20
    body = f"<html><body><p>{words}</p>".encode("gbk")
    text, _enc = decode(body, None)
    assert "重庆万象优车科技有限公司" in text


def test_charset_from_header_absent() -> None:
    assert charset_from_header("text/html") is None
    assert charset_from_header(None) is None


def test_scripts_styles_skipped_and_footer_marked() -> None:
    html = (
        "<html><head><title>标题 B2-1</title><style>.x{}</style></head><body>"
        "<script>var n='渝B2-20210467'</script><noscript>渝B2-noscript</noscript>"
        "<div id='main'>正文</div>"
        f"<div class='site-bottom'><a href='https://beian.miit.gov.cn/'>{FOOTER_TEXT}</a></div>"
        "</body></html>"
    )
    page = extract(html)
    assert "var n" not in page.visible and "标题" not in page.visible and "noscript" not in page.visible
    start = page.visible.index("渝B2")
    seg = page.context(start)
    assert seg is not None and seg.in_footer and seg.link == "https://beian.miit.gov.cn/"
    body_seg = page.context(page.visible.index("正文"))
    assert body_seg is not None and not body_seg.in_footer and body_seg.link is None


def test_footer_element_and_alt_and_hidden_kept_apart() -> None:
    html = (
        "<body><p>首页</p><footer><span>版权所有</span>"
        "<a href='/x'><img src='l.png' alt='渝B2-20210467'></a>"
        "<span style='display: none'>隐藏 B2</span><span hidden>也隐藏</span></footer></body>"
    )
    page = extract(html)
    assert page.alt == [("渝B2-20210467", "/x")]
    assert "隐藏 B2" in page.hidden and "也隐藏" in page.hidden
    assert "隐藏" not in page.visible
    seg = page.context(page.visible.index("版权"))
    assert seg is not None and seg.in_footer


def test_unclosed_and_stray_tags_do_not_break_extraction() -> None:
    page = extract("<div><p>一<p>二</span></div></div><b>三")
    assert [w for w in page.visible.split() if w] == ["一", "二", "三"]


def test_tail_counts_as_footer_on_unmarked_pages() -> None:
    page = extract("<p>" + "内容" * 100 + "</p><p>尾部</p>")
    assert page.in_tail(page.visible.index("尾部"))
    assert not page.in_tail(0)


@given(st.text(max_size=300))
def test_extract_never_raises_and_text_is_from_input(html: str) -> None:
    page = extract(html)
    for seg in page.segments:
        assert 0 <= seg.start < seg.end <= len(page.visible)
