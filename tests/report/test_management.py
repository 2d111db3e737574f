"""The management view's figures and charts from hand-made obligations: each count agrees with the
predicate the obligations list filters with, the overdue history is rebuilt from completion dates,
owners and weeks are grouped right, and every chart is well-formed SVG whose marks link to lists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from vats.model.obligations import Obligation, ObligationStatus, RuleKind
from vats.report import management as m
from vats.report.management_view import charts, render_body
from vats.report.svgchart import SVG_NS

AS_OF = date(2026, 11, 2)
S = ObligationStatus


def ob(
    n: int, due: date | None, status: ObligationStatus, *, done: date | None = None, licence: str = "L1"
) -> Obligation:
    return Obligation(
        rule_id=f"r{n}",
        licence=licence,
        title_zh="义务",
        title_en="duty",
        kind=RuleKind.DEADLINE,
        status=status,
        due_date=due,
        subject=str(n),
        completed_on=done,
        late=bool(done and due and done > due),
    )


ITEMS = [
    ob(1, date(2026, 3, 31), S.SATISFIED, done=date(2026, 3, 30)),  # on time
    ob(2, date(2026, 3, 31), S.SATISFIED, done=date(2026, 6, 15)),  # late: overdue at Mar, Apr, May ends
    ob(3, date(2026, 3, 15), S.OVERDUE),  # missed: overdue at every month end from March
    ob(4, date(2026, 3, 20), S.WAIVED),  # never counted
    ob(5, date(2026, 10, 31), S.OVERDUE, licence="L2"),  # due on the last day of October: not overdue then
    ob(6, AS_OF + timedelta(days=3), S.DUE_SOON, licence="L2"),
    ob(7, AS_OF + timedelta(days=40), S.UPCOMING),
    ob(8, AS_OF + timedelta(days=200), S.UPCOMING),  # beyond the 90 days
    ob(9, None, S.UPCOMING),  # a standing control: never counted
]
ORGS = {"L1": 1, "L2": 2}
OWNERS = {"r3": "王五", "r6": "王五"}


def _figures() -> m.Figures:
    return m.figures(
        ITEMS,
        as_of=AS_OF,
        organisation_of=ORGS,
        organisation_names={1: "甲公司", 2: "乙公司"},
        owner_of=lambda items: [OWNERS.get(o.rule_id) for o in items],
    )


def _matching(query: dict[str, str]) -> list[Obligation]:
    """What the obligations list shows for `query` (the predicates of `vats.report.management`)."""
    out = []
    for o in ITEMS:
        if "due_from" in query and (o.due_date is None or o.due_date < date.fromisoformat(query["due_from"])):
            continue
        if "due_to" in query and (o.due_date is None or o.due_date > date.fromisoformat(query["due_to"])):
            continue
        if "organisation" in query and ORGS[o.licence] != int(query["organisation"]):
            continue
        if "timeliness" in query and not m.matches_timeliness(o, query["timeliness"], as_of=AS_OF):
            continue
        if "overdue_on" in query and not m.overdue_on(o, date.fromisoformat(query["overdue_on"])):
            continue
        if query.get("status") == "open" and o.status not in m.OPEN:
            continue
        if query.get("status") not in (None, "open") and o.status.value != query["status"]:
            continue
        if "owner" in query and OWNERS.get(o.rule_id, m.UNASSIGNED) != query["owner"]:
            continue
        if o.due_date is None:
            continue
        out.append(o)
    return out


def test_month_and_organisation_rates() -> None:
    f = _figures()
    assert [x.month for x in f.months] == [date(2025, 12, 1)] + [date(2026, i, 1) for i in range(1, 12)]
    march = next(x.tally for x in f.months if x.month == date(2026, 3, 1))
    assert (march.on_time, march.late, march.missed, march.counted) == (1, 1, 1, 3)
    assert march.rate == 1 / 3
    october = next(x.tally for x in f.months if x.month == date(2026, 10, 1))
    assert (october.missed, october.counted) == (1, 1)
    assert [(o.name, o.tally.counted) for o in f.organisations] == [("乙公司", 1), ("甲公司", 3)]


def test_overdue_history_from_completion_dates() -> None:
    f = _figures()
    by_end = {p.day: p.count for p in f.overdue}
    assert len(f.overdue) == 11  # every month end before the as-of date
    assert by_end[date(2026, 2, 28)] == 0
    assert by_end[date(2026, 3, 31)] == 1  # item 3 (item 2 is due that very day)
    assert by_end[date(2026, 4, 30)] == by_end[date(2026, 5, 31)] == 2  # items 2 and 3
    assert by_end[date(2026, 6, 30)] == by_end[date(2026, 9, 30)] == 1  # item 2 done on 06-15
    assert by_end[date(2026, 10, 31)] == 1  # item 5 fell due on 10-31 itself
    for p in f.overdue:  # one predicate for the figure and the list
        assert p.count == len(_matching({"overdue_on": p.day.isoformat()}))


def test_owners_and_weeks() -> None:
    f = _figures()
    assert [(o.owner, o.total) for o in f.owners] == [(None, 3), ("王五", 2)]  # most open first
    assert f.weeks[0].start == AS_OF and f.weeks[-1].end == AS_OF + timedelta(days=90)
    assert sum(w.count for w in f.weeks) == 2  # items 6 and 7; 8 lies beyond the horizon
    assert all((w.end - w.start).days <= 6 for w in f.weeks)


def test_every_chart_mark_and_table_number_counts_its_list() -> None:
    f = _figures()
    marks = 0
    for svg in charts(f).values():
        root = ET.fromstring(svg)  # well-formed, or this raises
        assert root.tag == f"{{{SVG_NS}}}svg"
        for a in root.iter(f"{{{SVG_NS}}}a"):
            title = next(a.iter(f"{{{SVG_NS}}}title")).text or ""
            query = {k: v[0] for k, v in parse_qs(urlsplit(a.attrib["href"]).query).items()}
            assert int(title.rsplit(" ", 1)[1]) == len(_matching(query)), (title, query)
            marks += 1
    assert marks > 20
    body = render_body(f)
    assert "甲公司" in body and "王五" in body and "未指定" in body
    assert body.count("<svg") == 5
    capped = render_body(f, rows=1)  # the PDF's tables: the first rows and how many more
    assert "另有 1 个组织" in capped and "另有 1 位负责人" in capped
    assert '<th scope="row">乙公司</th>' in capped and '<th scope="row">甲公司</th>' not in capped
