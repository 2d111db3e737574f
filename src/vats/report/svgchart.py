"""Server-rendered SVG charts: stacked bars and a line, every mark a link to what it counts.

The management view must work without a front-end build or scripts, in a browser and in the PDF
WeasyPrint makes of the same page, so the charts are plain SVG text made here. Each bar segment
and each point is wrapped in an `<a>` to the filtered list of the items it counts, and carries a
`<title>` (a tooltip, and what a screen reader reads). Output is well-formed XML: every text is
escaped, every number formatted without locale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True, slots=True)
class Segment:
    """One stacked part of a bar: its count, the link to those items, its series and tooltip."""

    value: int
    href: str
    series: str  # CSS class suffix and legend key, e.g. "on_time"
    title: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""  # printed above the bar (e.g. a rate)


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    value: int
    href: str
    title: str


@dataclass(frozen=True, slots=True)
class Series:
    """A legend entry: the series key, its label and its fill colour."""

    key: str
    label: str
    colour: str


WIDTH = 720
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 28, 46


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ceiling(top: int) -> int:
    """A round axis maximum at or above `top` (1, 2, 5 × a power of ten)."""
    if top <= 0:
        return 1
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= top:
                return step * scale
        scale *= 10


def _open(title: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label={quoteattr(title)} class="chart">',
        f"<title>{escape(title)}</title>",
    ]


def _axis(lines: list[str], top: int, width: int, height: int) -> None:
    """Horizontal grid lines with their values at 0, ½ and the maximum."""
    plot_h = height - _TOP - _BOTTOM
    for fraction in (0.0, 0.5, 1.0):
        y = _TOP + plot_h * (1 - fraction)
        lines.append(
            f'<line x1="{_LEFT}" y1="{_num(y)}" x2="{width - _RIGHT}" y2="{_num(y)}" '
            'stroke="#ccc" stroke-width="1"/>'
        )
        lines.append(
            f'<text x="{_LEFT - 4}" y="{_num(y + 4)}" text-anchor="end" font-size="11">'
            f"{_num(top * fraction)}</text>"
        )


def _legend(lines: list[str], series: Sequence[Series], height: int) -> None:
    x = _LEFT
    for s in series:
        lines.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{s.colour}"/>')
        lines.append(f'<text x="{x + 14}" y="{height - 5}" font-size="11">{escape(s.label)}</text>')
        x += 24 + 12 * len(s.label)


def bar_chart(
    bars: Sequence[Bar], *, title: str, series: Sequence[Series], width: int = WIDTH, height: int = HEIGHT
) -> str:
    """Vertical stacked bars, one per entry of `bars`, segments stacked in `series` order."""
    colour = {s.key: s.colour for s in series}
    top = _ceiling(max((sum(seg.value for seg in b.segments) for b in bars), default=0))
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    lines = _open(title, width, height)
    _axis(lines, top, width, height)
    slot = plot_w / max(len(bars), 1)
    bar_w = min(max(slot * 0.7, 1.0), 60.0)  # a few bars stay bars, not blocks
    for i, bar in enumerate(bars):
        x = _LEFT + slot * i + (slot - bar_w) / 2
        base = float(_TOP + plot_h)
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            h = plot_h * seg.value / top
            base -= h
            lines.append(
                f'<a href={quoteattr(seg.href)}><rect x="{_num(x)}" y="{_num(base)}" '
                f'width="{_num(bar_w)}" height="{_num(h)}" fill="{colour.get(seg.series, "#888")}" '
                f'class="seg-{escape(seg.series)}"><title>{escape(seg.title)}</title></rect></a>'
            )
        centre = _num(x + bar_w / 2)
        if bar.note:
            lines.append(
                f'<text x="{centre}" y="{_num(base - 4)}" text-anchor="middle" font-size="10">'
                f"{escape(bar.note)}</text>"
            )
        lines.append(
            f'<text x="{centre}" y="{height - _BOTTOM + 14}" text-anchor="middle" font-size="10">'
            f"{escape(bar.label)}</text>"
        )
    _legend(lines, series, height)
    lines.append("</svg>")
    return "\n".join(lines)


def line_chart(
    points: Sequence[Point], *, title: str, colour: str = "#b3261e", width: int = WIDTH, height: int = HEIGHT
) -> str:
    """A line through `points` in order, each point a linked circle with its value written above."""
    top = _ceiling(max((p.value for p in points), default=0))
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    lines = _open(title, width, height)
    _axis(lines, top, width, height)
    slot = plot_w / max(len(points), 1)
    coords = [
        (_LEFT + slot * i + slot / 2, _TOP + plot_h * (1 - p.value / top)) for i, p in enumerate(points)
    ]
    if len(coords) > 1:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        lines.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for (x, y), p in zip(coords, points, strict=True):
        lines.append(
            f'<a href={quoteattr(p.href)}><circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{colour}">'
            f"<title>{escape(p.title)}</title></circle></a>"
        )
        lines.append(
            f'<text x="{_num(x)}" y="{_num(y - 9)}" text-anchor="middle" font-size="10">{p.value}</text>'
        )
        lines.append(
            f'<text x="{_num(x)}" y="{height - _BOTTOM + 14}" text-anchor="middle" font-size="10">'
            f"{escape(p.label)}</text>"
        )
    lines.append("</svg>")
    return "\n".join(lines)
