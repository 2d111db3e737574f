"""The one date helper: China's working-day calendar and Civil-Code deadline counting.

Working days are weekdays that are not official days off, plus weekend make-up days (调休). Years without
a loaded State Council notice fall back to "weekdays only" and every result that depends on such a year
is marked provisional with the reason, never silently guessed. Dates before 2024 are refused: the
project carries no official data for them.

Deadline counting (民法典 arts. 201–203, applicability to licensee filings UNCONFIRMED, hence a policy):
- art. 201: the day of the triggering event is not counted, so "30 days after 03-01" ends on 03-31;
- art. 202: a period in months ends on the same-numbered day of the final month, or its last day;
- art. 203: a period that ends on a rest day ends on the next working day (`roll_forward`).
For deadlines counted *before* an event (renewal 90 days before expiry), rolling forward would move the
deadline towards the event and shorten the notice the law demands; vats therefore moves such a deadline
to the previous working day (`before_rule = "earlier"`), which is conservative, or leaves it (`"keep"`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate

from vats.model.dates import add_months
from vats.model.errors import InputError
from vats.reference.calendar_data import FIRST_SUPPORTED_YEAR, YearData, load_years
from vats.rules.deferred import Deferred

LAST_SUPPORTED_YEAR = 2099


class Unit(StrEnum):
    DAYS = "days"  # calendar days (a plain "N日" in the telecom rules)
    WORKING_DAYS = "working_days"  # 工作日
    MONTHS = "months"
    HOURS = "hours"


class Direction(StrEnum):
    AFTER = "after"
    BEFORE = "before"


@dataclass(frozen=True, slots=True)
class RollPolicy:
    """How a deadline on a rest day moves (configurable: art. 203's reach is unconfirmed)."""

    roll_forward: bool = True  # "after" deadlines: rest day -> next working day (art. 203)
    before_rule: str = "earlier"  # "before" deadlines: "earlier" working day, or "keep" the computed day


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a deadline derivation, in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """A computed date, whether it rests on an unloaded holiday calendar, and how it was derived."""

    date: date
    provisional: bool = False
    reason: str | None = None
    steps: Sequence[Step] = field(default=())  # written on first read when computed by add_period


_UNITS = {u.value: u for u in Unit}  # lookups accept members and plain strings alike (StrEnum)
_DIRECTIONS = {d.value: d for d in Direction}


def _missing_reason(year: int) -> str:
    return f"{year} 年节假日安排未载入 / {year} holiday notice not loaded"


class Calendar:
    """Working-day arithmetic over a precomputed day table (constant-time lookups, bisect for offsets)."""

    def __init__(self, years: Mapping[int, YearData]) -> None:
        self.years = dict(years)
        self._base = date(FIRST_SUPPORTED_YEAR, 1, 1).toordinal()
        end = date(LAST_SUPPORTED_YEAR, 12, 31).toordinal()
        off = {d.toordinal() for y in self.years.values() for d in y.days_off}
        makeup = {d.toordinal() for y in self.years.values() for d in y.makeup_days}
        work = bytearray(end - self._base + 1)
        for i in range(len(work)):
            o = self._base + i
            weekday = (o + 6) % 7  # date.fromordinal(o).weekday() without building a date
            work[i] = 1 if (o in makeup or (weekday < 5 and o not in off)) else 0
        self._work = bytes(work)
        # _cum[i] = number of working days in [base, base + i]
        self._cum = list(accumulate(self._work))

    # -- known / provisional -------------------------------------------------------------------
    def is_known(self, d: date) -> bool:
        """True when the official holiday notice for `d`'s year is loaded."""
        return d.year in self.years

    def unknown_years(self, a: date, b: date) -> list[int]:
        """Years between a and b (inclusive, any order) whose holiday notice is not loaded."""
        lo, hi = sorted((a.year, b.year))
        return [y for y in range(lo, hi + 1) if y not in self.years]

    def provisional_reason(self, a: date, b: date | None = None) -> str | None:
        if a.year in self.years and (b is None or b.year in self.years):
            return None  # the common case, without building the list of years between
        missing = self.unknown_years(a, b or a)
        return "; ".join(_missing_reason(y) for y in missing) or None

    def _index(self, d: date, fld: str = "date") -> int:
        if d.year < FIRST_SUPPORTED_YEAR or d.year > LAST_SUPPORTED_YEAR:
            raise InputError(
                f"日期 {d} 超出支持范围（{FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR}）/ "
                f"date {d} is outside the supported calendar ({FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR})",
                field=fld,
            )
        return d.toordinal() - self._base

    # -- working days ----------------------------------------------------------------------------
    def is_working_day(self, d: date) -> bool:
        return bool(self._work[self._index(d)])

    def holiday_name(self, d: date) -> str | None:
        y = self.years.get(d.year)
        return y.name_of(d) if y else None

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (n > 0) or before it (n < 0); `d` itself is not counted."""
        if n == 0:
            return d
        i = self._index(d)
        target = self._cum[i] + n
        if target < 1 or target > self._cum[-1]:
            raise InputError(f"结果超出支持范围 / {n} working days from {d} leaves the supported calendar")
        return date.fromordinal(self._base + bisect_left(self._cum, target))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] — negative when b < a — so add_working_days(a, n) round-trips."""
        return self._cum[self._index(b, "b")] - self._cum[self._index(a, "a")]

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the last working day before it."""
        i = self._index(d)
        if self._work[i]:
            return d
        if self._cum[i] == 0:
            raise InputError(f"{d} 之前没有工作日 / no working day before {d} in the supported calendar")
        return date.fromordinal(self._base + bisect_left(self._cum, self._cum[i]))

    # -- deadlines -------------------------------------------------------------------------------
    def add_period(
        self,
        d: date,
        n: int,
        unit: Unit | str = Unit.DAYS,
        direction: Direction | str = Direction.AFTER,
        policy: RollPolicy | None = None,
    ) -> DeadlineResult:
        """Civil-Code deadline: count `n` units from `d` (event day excluded), then apply the roll policy.

        The date is computed now; the derivation steps are written when first read (a portfolio run
        computes ~10,000 distinct deadlines and displays few of them)."""
        unit, direction = _UNITS.get(unit) or Unit(unit), _DIRECTIONS.get(direction) or Direction(direction)
        policy = policy or RollPolicy()
        result, reason = self._period(d, n, unit, direction, policy, None)
        steps = _PeriodSteps(self, (d, n, unit, direction, policy))
        return DeadlineResult(result, reason is not None, reason, steps)

    def _period(
        self, d: date, n: int, unit: Unit, direction: Direction, policy: RollPolicy, steps: list[Step] | None
    ) -> tuple[date, str | None]:
        """The deadline and its provisional reason; the derivation goes into `steps` when one is given."""
        sign = 1 if direction is Direction.AFTER else -1
        dir_zh = "之后" if sign > 0 else "之前"
        if steps is not None:
            steps.append(
                Step(
                    f"起算日 {day_text(d)}（当日不计入，民法典第二百零一条）",
                    f"trigger date {day_text(d)} (not counted, Civil Code art. 201)",
                )
            )
        if unit is Unit.WORKING_DAYS:
            result = self.add_working_days(d, sign * n)
            if steps is not None:
                steps.append(
                    Step(
                        f"{dir_zh} {n} 个工作日（跳过法定节假日与周末，调休日计入）→ {result}",
                        f"{n} working days {direction.value} "
                        f"(rest days skipped, make-ups counted) -> {result}",
                    )
                )
            return result, self.provisional_reason(d, result)
        if unit is Unit.HOURS:
            result = d + timedelta(days=sign * -(-n // 24))
            if steps is not None:
                steps.append(
                    Step(
                        f"{dir_zh} {n} 小时 → 最迟 {result}",
                        f"{n} hours {direction.value} -> at the latest {result}",
                    )
                )
            return result, None
        if unit is Unit.MONTHS:
            raw = add_months(d, sign * n)
            if steps is not None:
                steps.append(
                    Step(
                        f"{dir_zh} {n} 个月，对应日（无对应日取月末，第二百零二条）→ {raw}",
                        f"{n} months {direction.value}, same-numbered day or month end (art. 202) -> {raw}",
                    )
                )
        else:
            raw = d + timedelta(days=sign * n)
            if steps is not None:
                steps.append(
                    Step(f"{dir_zh} {n} 个自然日 → {raw}", f"{n} calendar days {direction.value} -> {raw}")
                )
        result = raw
        if sign > 0 and policy.roll_forward and not self.is_working_day(raw):
            result = self.next_working_day(raw)
            if steps is not None:
                why = self.holiday_name(raw) or "周末 / weekend"
                steps.append(
                    Step(
                        f"{raw} 为休息日（{why}），顺延至下一个工作日 {result}（第二百零三条；"
                        "该条是否适用于被许可人的申报期限未经核实，可在设置中关闭）",
                        f"{raw} is a rest day ({why}); rolled forward to working day {result} (art. 203; "
                        "whether it applies to a licensee's filing deadlines is UNCONFIRMED, "
                        "a setting can turn it off)",
                    )
                )
        elif sign < 0 and policy.before_rule == "earlier" and not self.is_working_day(raw):
            result = self.previous_working_day(raw)
            if steps is not None:
                why = self.holiday_name(raw) or "周末 / weekend"
                steps.append(
                    Step(
                        f"{raw} 为休息日（{why}），提前至上一个工作日 {result}（保守处理，不向事件日顺延）",
                        f"{raw} is a rest day ({why}); moved to the previous working day {result} "
                        "(conservative: a 'before' deadline never moves towards the event)",
                    )
                )
        rolled = (
            result != raw
            or (sign > 0 and policy.roll_forward)
            or (sign < 0 and policy.before_rule == "earlier")
        )
        return result, self.provisional_reason(raw, result) if rolled else None


class _PeriodSteps(Deferred[Step]):
    """A deadline's derivation, written on first read by counting the period again."""

    __slots__ = ("_calendar", "_period")

    def __init__(self, calendar: Calendar, period: tuple[date, int, Unit, Direction, RollPolicy]) -> None:
        super().__init__()
        self._calendar, self._period = calendar, period

    def _render(self) -> tuple[Step, ...]:
        steps: list[Step] = []
        self._calendar._period(*self._period, steps)
        return tuple(steps)


# `2026-10-16` for a date, memoised: explanations print the same few thousand dates hundreds of
# thousands of times per portfolio run, and formatting one costs about ten times a lookup.
day_text = lru_cache(maxsize=32768)(date.isoformat)


@lru_cache(maxsize=1)
def default_calendar() -> Calendar:
    """The calendar from bundled and user-imported years (cached; call `cache_clear()` after an import)."""
    return Calendar(load_years())
