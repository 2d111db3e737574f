"""The management view as HTML (charts and their tables) and as a PDF, from `management.Figures`.

One body serves the web page (inside the site's layout) and the PDF (inside a print page), so the
exported figures are exactly the ones on screen. Every bar, point and table number links to the
obligations list filtered to the items it counts; in the PDF the links are absolute (`base_url`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlencode

from vats.model.clock import minute_text
from vats.model.errors import UnavailableError
from vats.model.obligations import ObligationStatus
from vats.report.management import OPEN_ORDER, TIMELINESS, TIMELINESS_LABELS, UNASSIGNED, Figures
from vats.report.svgchart import Bar, Point, Segment, Series, bar_chart, line_chart

LIST = "/obligations"
OPEN_LABELS = {
    ObligationStatus.OVERDUE: "已逾期",
    ObligationStatus.DUE_SOON: "即将到期",
    ObligationStatus.UPCOMING: "未到期",
}
TIMELINESS_SERIES = (
    Series("on_time", TIMELINESS_LABELS["on_time"], "#2e7d32"),
    Series("late", TIMELINESS_LABELS["late"], "#f9a825"),
    Series("missed", TIMELINESS_LABELS["missed"], "#c62828"),
)
OPEN_SERIES = (
    Series("overdue", OPEN_LABELS[ObligationStatus.OVERDUE], "#c62828"),
    Series("due_soon", OPEN_LABELS[ObligationStatus.DUE_SOON], "#f9a825"),
    Series("upcoming", OPEN_LABELS[ObligationStatus.UPCOMING], "#1565c0"),
)
NAME_CHARS = 8  # of an organisation or owner name under a bar; the table gives the whole name
CHART_BARS = 20
"""Organisations (lowest on-time rate first) and owners (most open items first) drawn as bars; the
web page's tables list every one, the PDF's the same first ones with a count of the rest."""


def link(query: Mapping[str, str], **more: str) -> str:
    """The obligations list filtered by `query` and `more`."""
    return f"{LIST}?{urlencode({**query, **more})}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _timeliness_bar(label: str, tally: object, title: str) -> Bar:
    from vats.report.management import Tally

    assert isinstance(tally, Tally)
    return Bar(
        label=label,
        note=percent(tally.rate),
        segments=tuple(
            Segment(
                tally.count(k),
                link(tally.query, timeliness=k),
                k,
                f"{title} {TIMELINESS_LABELS[k]} {tally.count(k)}",
            )
            for k in TIMELINESS
        ),
    )


def overdue_query(day: date) -> dict[str, str]:
    return {"overdue_on": day.isoformat()}


def week_query(start: date, end: date) -> dict[str, str]:
    return {"due_from": start.isoformat(), "due_to": end.isoformat(), "status": "open"}


def owner_query(owner: str | None) -> dict[str, str]:
    return {"owner": owner if owner is not None else UNASSIGNED}


def charts(f: Figures) -> dict[str, str]:
    """The four charts as SVG text, keyed by section."""
    months = bar_chart(
        [_timeliness_bar(m.month.strftime("%Y-%m"), m.tally, m.month.strftime("%Y-%m")) for m in f.months],
        title="每月按时完成情况（按到期月份）",
        series=TIMELINESS_SERIES,
    )
    orgs = bar_chart(
        [_timeliness_bar(_short(o.name), o.tally, o.name) for o in f.organisations[:CHART_BARS]],
        title="按时完成率最低的组织（近十二个月到期）",
        series=TIMELINESS_SERIES,
    )
    overdue = line_chart(
        [
            Point(p.day.strftime("%Y-%m"), p.count, link(overdue_query(p.day)), f"{p.day} 逾期 {p.count}")
            for p in f.overdue
        ],
        title="各月末逾期数量",
    )
    owners = bar_chart(
        [
            Bar(
                label=_short(o.owner or "未指定"),
                segments=tuple(
                    Segment(
                        o.counts[s],
                        link(owner_query(o.owner), status=s.value),
                        s.value,
                        f"{o.owner or '未指定'} {OPEN_LABELS[s]} {o.counts[s]}",
                    )
                    for s in OPEN_ORDER
                ),
            )
            for o in f.owners[:CHART_BARS]
        ],
        title="待办事项最多的负责人",
        series=OPEN_SERIES,
    )
    weeks = bar_chart(
        [
            Bar(
                label=w.start.strftime("%m-%d"),
                segments=(
                    Segment(
                        w.count,
                        link(week_query(w.start, w.end)),
                        "open",
                        f"{w.start}–{w.end} 到期 {w.count}",
                    ),
                ),
            )
            for w in f.weeks
        ],
        title="未来 90 天每周到期的待办事项",
        series=(Series("open", "待办", "#1565c0"),),
    )
    return {"months": months, "organisations": orgs, "overdue": overdue, "owners": owners, "weeks": weeks}


def render_body(f: Figures, *, rows: int | None = None) -> str:
    """Charts and tables (an HTML fragment, Chinese, the same on the web page and in the PDF);
    `rows` caps the organisation and owner tables (None: every row)."""
    from vats.report.compliance import _environment

    return (
        _environment()
        .get_template("management_body.html")
        .render(
            f=f,
            rows=rows,
            charts=charts(f),
            link=link,
            percent=percent,
            owner_query=owner_query,
            overdue_query=overdue_query,
            week_query=week_query,
            TIMELINESS=TIMELINESS,
            TIMELINESS_LABELS=TIMELINESS_LABELS,
            OPEN_ORDER=OPEN_ORDER,
            OPEN_LABELS=OPEN_LABELS,
        )
    )


def render_pdf(f: Figures, *, generated_at: datetime, base_url: str) -> bytes:
    """The view as an A4 PDF (WeasyPrint, as the compliance report), links absolute to `base_url`."""
    from vats.report.compliance import _environment

    try:
        from weasyprint import HTML
    except (OSError, ImportError) as exc:  # no Pango, or WeasyPrint not installed
        raise UnavailableError(f"PDF 导出不可用：缺少 WeasyPrint 或 Pango（{exc}）", field="format") from None
    page = (
        _environment()
        .get_template("management.html")
        .render(
            f=f,
            body=render_body(f, rows=CHART_BARS),
            generated=minute_text(generated_at),
            as_of=_iso(f.as_of),
        )
    )
    pdf: bytes = HTML(string=page, base_url=base_url).write_pdf()
    return pdf


def _iso(day: date) -> str:
    return day.isoformat()
