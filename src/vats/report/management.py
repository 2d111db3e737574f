"""The management view's figures, computed from already-evaluated obligations (no engine run).

Four views an officer shows the boss: on-time completion per month and per organisation, the
overdue count at each past month end, open items by owner, and the load of the next 90 days per
week. Every figure carries the query of the obligations list that shows exactly the items it
counts; the list applies the predicates defined here (`timeliness`, `overdue_on`, `OPEN`), so a
figure and its list cannot drift apart.

Definitions:

* A duty counts for completion in the month its due date falls in, once that date has passed:
  done by the due date (on time), done after it (late), or still not done (missed). Waived and
  not-applicable duties do not count.
* Overdue at a month end E: due before E and not done by E (never done, or done after E). The
  completion date comes from the recorded completion events, whenever they were entered; waived
  and not-applicable duties are left out (their decision date is not part of the obligation).
* Open: overdue, due soon or upcoming, dated duties only (standing controls have no due date).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from vats.model.obligations import Obligation, ObligationStatus

OPEN: frozenset[ObligationStatus] = frozenset(
    {ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING}
)
EXCLUDED: frozenset[ObligationStatus] = frozenset({ObligationStatus.WAIVED, ObligationStatus.NOT_APPLICABLE})
TIMELINESS = ("on_time", "late", "missed")
TIMELINESS_FILTERS = (*TIMELINESS, "counted")
"""Values of the list's `timeliness` filter: one class, or `counted` for any of them."""
TIMELINESS_LABELS = {"on_time": "按时完成", "late": "逾期完成", "missed": "未完成", "counted": "应完成"}
OPEN_ORDER = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
UNASSIGNED = "-"
"""The owner filter value meaning "no owner" (not a valid user name: names are never a lone dash)."""
MONTHS = 12
HORIZON_DAYS = 90


def timeliness(ob: Obligation, *, as_of: date) -> str | None:
    """on_time / late / missed for a dated duty whose due date has passed; None when it does not count."""
    if ob.due_date is None or ob.due_date >= as_of or ob.status in EXCLUDED:
        return None
    if ob.status is ObligationStatus.SATISFIED:
        return "late" if ob.late else "on_time"
    return "missed"


def matches_timeliness(ob: Obligation, wanted: str, *, as_of: date) -> bool:
    """The list filter `timeliness=wanted` (a class of `TIMELINESS`, or `counted`)."""
    found = timeliness(ob, as_of=as_of)
    return found is not None if wanted == "counted" else found == wanted


def overdue_on(ob: Obligation, day: date) -> bool:
    """Whether the duty was overdue at the end of `day` (due before it and not done by then)."""
    if ob.due_date is None or ob.due_date >= day or ob.status in EXCLUDED:
        return False
    if ob.status is ObligationStatus.SATISFIED:
        return ob.completed_on is not None and ob.completed_on > day
    return True


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def past_months(as_of: date, count: int = MONTHS) -> list[date]:
    """First days of the `count` months ending with `as_of`'s month, oldest first."""
    firsts = [month_start(as_of)]
    while len(firsts) < count:
        firsts.append(month_start(firsts[-1] - timedelta(days=1)))
    return firsts[::-1]


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts per timeliness class, with the list query each count links to."""

    on_time: int
    late: int
    missed: int
    query: Mapping[str, str]  # the shared filters; add timeliness=<class>

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def rate(self) -> float | None:
        """Share done on time, None when nothing fell due."""
        return self.on_time / self.counted if self.counted else None

    def count(self, key: str) -> int:
        return int(getattr(self, key))


@dataclass(frozen=True, slots=True)
class MonthTally:
    month: date
    tally: Tally


@dataclass(frozen=True, slots=True)
class OrgTally:
    organisation_id: int | None
    name: str
    tally: Tally


@dataclass(frozen=True, slots=True)
class OverduePoint:
    day: date  # a month end
    count: int


@dataclass(frozen=True, slots=True)
class OwnerLoad:
    owner: str | None
    counts: Mapping[ObligationStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class WeekLoad:
    start: date
    end: date
    count: int


@dataclass(frozen=True, slots=True)
class Figures:
    as_of: date
    first_month: date
    months: tuple[MonthTally, ...]
    organisations: tuple[OrgTally, ...]
    overdue: tuple[OverduePoint, ...]
    owners: tuple[OwnerLoad, ...]
    weeks: tuple[WeekLoad, ...]


def _overdue_counts(dated: list[Obligation], ends: list[date]) -> list[int]:
    """`overdue_on` counted at each of the sorted `ends` in one pass: each duty is overdue on the
    ends after its due date and before its completion, a contiguous run of `ends`."""
    from bisect import bisect_left, bisect_right

    delta = [0] * (len(ends) + 1)
    for o in dated:
        if o.status in EXCLUDED or o.due_date is None:
            continue
        first = bisect_right(ends, o.due_date)  # first end strictly after the due date
        if o.status is ObligationStatus.SATISFIED:
            if o.completed_on is None:
                continue
            stop = bisect_left(ends, o.completed_on)  # ends before the completion date
        else:
            stop = len(ends)
        if first < stop:
            delta[first] += 1
            delta[stop] -= 1
    counts, running = [], 0
    for step in delta[:-1]:
        running += step
        counts.append(running)
    return counts


def _tally(items: Iterable[Obligation], *, as_of: date, query: Mapping[str, str]) -> Tally:
    seen = Counter(timeliness(o, as_of=as_of) for o in items)
    return Tally(seen["on_time"], seen["late"], seen["missed"], query)


def figures(
    obligations: Iterable[Obligation],
    *,
    as_of: date,
    organisation_of: Mapping[str, int | None],
    organisation_names: Mapping[int, str],
    owner_of: Callable[[list[Obligation]], list[str | None]],
    months: int = MONTHS,
    horizon_days: int = HORIZON_DAYS,
) -> Figures:
    """Every figure of the view; `owner_of` resolves the owners of a list of obligations at once."""
    firsts = past_months(as_of, months)
    start = firsts[0]
    last_due = as_of - timedelta(days=1)
    dated = [o for o in obligations if o.due_date is not None]
    window = [o for o in dated if start <= o.due_date <= last_due]  # type: ignore[operator]

    by_month: dict[date, list[Obligation]] = {m: [] for m in firsts}
    for o in window:
        by_month[month_start(o.due_date)].append(o)  # type: ignore[arg-type]
    month_rows = tuple(
        MonthTally(
            m,
            _tally(
                by_month[m],
                as_of=as_of,
                query={"due_from": m.isoformat(), "due_to": min(month_end(m), last_due).isoformat()},
            ),
        )
        for m in firsts
        if m <= last_due
    )

    by_org: dict[int | None, list[Obligation]] = {}
    for o in window:
        by_org.setdefault(organisation_of.get(o.licence), []).append(o)
    span = {"due_from": start.isoformat(), "due_to": last_due.isoformat()}
    org_rows = tuple(
        sorted(
            (
                OrgTally(
                    org,
                    organisation_names.get(org, "（无组织）") if org is not None else "（无组织）",
                    _tally(items, as_of=as_of, query={**span, "organisation": str(org) if org else "none"}),
                )
                for org, items in by_org.items()
            ),
            key=lambda r: (r.tally.rate if r.tally.rate is not None else 2.0, r.name),
        )
    )

    ends = [month_end(m) for m in firsts if month_end(m) < as_of]
    overdue = tuple(OverduePoint(e, n) for e, n in zip(ends, _overdue_counts(dated, ends), strict=True))

    open_items = [o for o in dated if o.status in OPEN]
    loads: dict[str | None, Counter[ObligationStatus]] = {}
    for o, owner in zip(open_items, owner_of(open_items), strict=True):
        loads.setdefault(owner, Counter())[o.status] += 1
    owner_rows = tuple(
        sorted(
            (OwnerLoad(owner, {s: c[s] for s in OPEN_ORDER}) for owner, c in loads.items()),
            key=lambda r: (-r.total, r.owner is None, r.owner or ""),
        )
    )

    horizon = as_of + timedelta(days=horizon_days)
    week_start = as_of - timedelta(days=as_of.weekday())
    weeks: list[WeekLoad] = []
    per_week = Counter(
        (o.due_date - week_start).days // 7  # type: ignore[operator]
        for o in open_items
        if as_of <= o.due_date <= horizon  # type: ignore[operator]
    )
    while week_start <= horizon:
        lo, hi = max(week_start, as_of), min(week_start + timedelta(days=6), horizon)
        weeks.append(WeekLoad(lo, hi, per_week[len(weeks)]))
        week_start += timedelta(days=7)

    return Figures(
        as_of=as_of,
        first_month=start,
        months=month_rows,
        organisations=org_rows,
        overdue=overdue,
        owners=owner_rows,
        weeks=tuple(weeks),
    )
