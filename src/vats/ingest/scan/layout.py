"""Reading order and lines from recognised text boxes, so the text extractor can read a scan.

OCR returns boxes in no reliable order. This module rebuilds what a person reads, page by page:

- skew: the median angle of the wide boxes' top edges is the page's skew; box centres are rotated
  back by it before anything is compared, so a photo taken 1–2° askew still yields straight lines
  (the pixels are never resampled: that would cost time and blur small print);
- lines: boxes whose centres lie within half a text height of each other form one line, read
  left to right (a label and its value printed on one line come out as `label value`);
- table cells: in a two-column table (the 附页 site blocks) a value that wraps continues in the
  value column on the next line, with no label to its left. Such a line is joined to the line
  above, so the extractor sees `label value-part1value-part2` and no orphan fragment.

Pure Python on plain tuples: it is unit-tested without an OCR engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class TextBox:
    """One recognised piece of text: page (1-based), quadrilateral in page pixels, text, score."""

    page: int
    quad: Quad
    text: str
    score: float

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """Axis-aligned box (left, top, right, bottom) in page pixels."""
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


@dataclass(slots=True)
class Line:
    """A reconstructed printed line and the boxes it was read from, in reading order."""

    page: int
    boxes: list[TextBox] = field(default_factory=list)
    #: Indexes of boxes that continue a wrapped table cell: joined with no space.
    wraps: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        out = ""
        for index, box in enumerate(self.boxes):
            piece = box.text.strip()
            if out and piece:
                out += "" if index in self.wraps else " "
            out += piece
        return out


def skew_angle(boxes: list[TextBox]) -> float:
    """The page's skew in radians: median slope of the top edges of boxes wider than tall."""
    angles = []
    for box in boxes:
        (x0, y0), (x1, y1) = box.quad[0], box.quad[1]
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(box.quad[3][0] - x0, box.quad[3][1] - y0)
        if width > 3 * max(height, 1.0):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return median(angles) if angles else 0.0


@dataclass(frozen=True, slots=True)
class _Placed:
    box: TextBox
    x0: float  # left edge, deskewed
    x1: float  # right edge, deskewed
    y: float  # centre, deskewed
    height: float


def _place(box: TextBox, angle: float) -> _Placed:
    cos, sin = math.cos(angle), math.sin(angle)
    pts = [(x * cos + y * sin, -x * sin + y * cos) for x, y in box.quad]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return _Placed(box, min(xs), max(xs), sum(ys) / 4, max(ys) - min(ys))


def page_lines(boxes: list[TextBox]) -> list[Line]:
    """The lines of one page in reading order (top to bottom, left to right)."""
    if not boxes:
        return []
    angle = skew_angle(boxes)
    placed = sorted((_place(b, angle) for b in boxes), key=lambda p: p.y)
    text_height = median(p.height for p in placed) or 1.0
    rows: list[list[_Placed]] = []
    for item in placed:
        if rows:
            row = rows[-1]
            centre = sum(p.y for p in row) / len(row)
            if abs(item.y - centre) < 0.5 * text_height:
                row.append(item)
                continue
        rows.append([item])
    for row in rows:
        row.sort(key=lambda p: p.x0)
    margin = min(row[0].x0 for row in rows)
    merged: list[tuple[list[_Placed], set[int]]] = []
    for row in rows:
        if merged and _continues_cell(merged[-1][0], row, margin, text_height):
            merged[-1][1].add(len(merged[-1][0]))
            merged[-1][0].extend(row)
        else:
            merged.append((row, set()))
    page = boxes[0].page
    return [Line(page, [p.box for p in row], frozenset(wraps)) for row, wraps in merged]


def _continues_cell(above: list[_Placed], row: list[_Placed], margin: float, text_height: float) -> bool:
    """True when `row` is the wrapped rest of the value cell of `above` (a two-column table row).

    `above` must have at least two pieces separated by a column gap (label, value); `row` starts
    well right of the margin, aligned with the value column, and follows directly below.
    """
    if len(above) < 2 or row[0].x0 - margin < 3 * text_height:
        return False
    value_start = next((b.x0 for a, b in pairwise(above) if b.x0 - a.x1 > 1.5 * text_height), None)
    if value_start is None or abs(row[0].x0 - value_start) > text_height:
        return False
    return row[0].y - above[0].y < 2 * text_height


def reading_order(boxes: list[TextBox]) -> list[Line]:
    """Lines of every page, pages in order."""
    by_page: dict[int, list[TextBox]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    lines: list[Line] = []
    for page in sorted(by_page):
        lines.extend(page_lines(by_page[page]))
    return lines
