"""Reading order from boxes: lines, skew, label/value pairs, wrapped table cells, pages."""

from __future__ import annotations

import math

from vats.ingest.scan.layout import TextBox, page_lines, reading_order, skew_angle


def box(text: str, x: float, y: float, w: float, h: float = 30, *, page: int = 1, deg: float = 0) -> TextBox:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)

    def rot(px: float, py: float) -> tuple[float, float]:
        return (px * c - py * s, px * s + py * c)

    quad = (rot(x, y), rot(x + w, y), rot(x + w, y + h), rot(x, y + h))
    return TextBox(page, quad, text, 0.99)  # type: ignore[arg-type]


def test_boxes_out_of_order_come_back_in_reading_order() -> None:
    boxes = [box("马骏", 400, 150, 80), box("公司名称:", 100, 100, 150), box("法定代表人:", 100, 150, 180)]
    boxes.append(box("重庆万象优车科技有限公司", 260, 102, 400))
    expected = ["公司名称: 重庆万象优车科技有限公司", "法定代表人: 马骏"]
    assert [line.text for line in page_lines(boxes)] == expected


def test_a_skewed_page_still_gives_straight_lines() -> None:
    rows = [
        [box(f"{r}-{c}" * 6, 100 + 420 * c, 100 + 60 * r, 400, deg=1.5) for c in range(3)] for r in range(8)
    ]
    boxes = [b for row in rows for b in row]
    assert abs(math.degrees(skew_angle(boxes)) - 1.5) < 0.01
    lines = page_lines(list(reversed(boxes)))
    assert [line.text for line in lines] == [" ".join(f"{r}-{c}" * 6 for c in range(3)) for r in range(8)]


def test_a_wrapped_value_in_a_table_cell_joins_its_label_line() -> None:
    boxes = [
        box("网站接入服务提供单位", 100, 100, 300),
        box("中国电信股份", 600, 100, 200),
        box("有限公司重庆分公司", 600, 140, 280),
        box("网站名称", 100, 200, 120),
        box("骏驰出行", 600, 200, 120),
    ]
    lines = page_lines(boxes)
    expected = ["网站接入服务提供单位 中国电信股份有限公司重庆分公司", "网站名称 骏驰出行"]
    assert [line.text for line in lines] == expected


def test_an_indented_paragraph_line_is_not_a_table_cell() -> None:
    boxes = [box("一、你公司应当遵守规定。", 100, 100, 600), box("(一)按许可证开展业务。", 160, 150, 500)]
    assert len(page_lines(boxes)) == 2


def test_pages_are_read_in_order() -> None:
    boxes = [box("第二页", 100, 100, 90, page=2), box("第一页", 100, 500, 90, page=1)]
    assert [(line.page, line.text) for line in reading_order(boxes)] == [(1, "第一页"), (2, "第二页")]
