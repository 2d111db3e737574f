"""The official holiday calendar as data: one YAML file per year, validated, plus user-imported years.

Bundled years live in `reference/calendar/<year>.yaml`. Years published later (the State Council notice
normally appears in November of the year before) are added with `vats calendar import FILE`, which
validates the file and writes it to `$XDG_DATA_HOME/vats/calendar/`; the loader reads that directory too,
and a user file for a year replaces the bundled one (so a correction needs no new release).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vats.model.errors import InputError
from vats.reference.marked_yaml import Marked, load_marked, load_marked_text, validation_error

BUNDLED_DIR = Path(__file__).resolve().parent / "calendar"
FIRST_SUPPORTED_YEAR = 2024


@dataclass(frozen=True, slots=True)
class Holiday:
    """One holiday period (inclusive) and the weekend days worked to make up for it (调休)."""

    name_zh: str
    name_en: str
    start: date
    end: date
    makeup: tuple[date, ...] = ()

    def days(self) -> Iterable[date]:
        d = self.start
        while d <= self.end:
            yield d
            d += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class YearData:
    """A validated year: days off, make-up working days, and which notice they come from."""

    year: int
    notice: str
    reliability: str
    holidays: tuple[Holiday, ...]
    source: str
    published: date | None = None

    @property
    def days_off(self) -> frozenset[date]:
        return frozenset(d for h in self.holidays for d in h.days())

    @property
    def makeup_days(self) -> frozenset[date]:
        return frozenset(d for h in self.holidays for d in h.makeup)

    def name_of(self, day: date) -> str | None:
        """`春节 / Spring Festival` for a day off or a make-up day of that holiday."""
        for h in self.holidays:
            if h.start <= day <= h.end or day in h.makeup:
                return f"{h.name_zh} / {h.name_en}"
        return None


def _schema() -> tuple[type[Any], type[Any]]:
    """The pydantic schema of a year file (built lazily: pydantic is not needed on every path)."""
    from pydantic import BaseModel, ConfigDict, Field

    class HolidaySpec(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        name_zh: str = Field(min_length=1)
        name_en: str = Field(min_length=1)
        start: date
        end: date
        makeup: list[date] = Field(default_factory=list)

    class YearSpec(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        year: int = Field(ge=FIRST_SUPPORTED_YEAR, le=2099)
        notice: str = Field(min_length=1)
        published: date | None = None
        reliability: str = "official"
        sources: list[str] = Field(default_factory=list)
        holidays: list[HolidaySpec] = Field(min_length=1)

    return YearSpec, HolidaySpec


@lru_cache(maxsize=1)
def _year_spec() -> type[Any]:
    return _schema()[0]


def _check_year(data: YearData, marked: Marked | None) -> None:
    """Semantic checks the schema cannot express: dates inside the year, no overlaps, weekend make-ups."""

    def fail(index: int, fld: str, message: str) -> InputError:
        path = ("holidays", index, fld)
        if marked is not None:
            return marked.error(path, message)
        return InputError(message, source=data.source, field=".".join(map(str, path)))

    seen_off: dict[date, int] = {}
    seen_makeup: dict[date, int] = {}
    for i, h in enumerate(data.holidays):
        for fld, day in (("start", h.start), ("end", h.end)):
            if day.year != data.year:
                raise fail(i, fld, f"日期 {day} 不在 {data.year} 年 / date {day} is outside year {data.year}")
        if h.end < h.start:
            raise fail(i, "end", f"结束早于开始 / end {h.end} is before start {h.start}")
        for day in h.days():
            if day in seen_off:
                raise fail(
                    i, "start", f"假期重叠或重复 / holiday {day} overlaps holiday #{seen_off[day] + 1}"
                )
            seen_off[day] = i
        for day in h.makeup:
            if day.year != data.year:
                raise fail(i, "makeup", f"调休日 {day} 不在 {data.year} 年 / make-up day outside the year")
            if day.weekday() < 5:
                raise fail(
                    i, "makeup", f"调休上班日必须是周末 / make-up day {day} is not a Saturday or Sunday"
                )
            if day in seen_makeup:
                raise fail(i, "makeup", f"调休日重复 / make-up day {day} is listed twice")
            seen_makeup[day] = i
    for day, i in seen_makeup.items():
        if day in seen_off:
            raise fail(i, "makeup", f"调休日 {day} 同时是假日 / make-up day {day} is also a day off")


def _from_marked(marked: Marked) -> YearData:
    from pydantic import ValidationError

    if not isinstance(marked.data, dict):
        raise InputError("应为映射 / expected a mapping with year, notice, holidays", source=marked.source)
    try:
        spec = _year_spec().model_validate(marked.data)
    except ValidationError as exc:
        raise validation_error(exc, marked) from None
    data = YearData(
        year=spec.year,
        notice=spec.notice,
        reliability=spec.reliability,
        published=spec.published,
        source=marked.source,
        holidays=tuple(
            Holiday(h.name_zh, h.name_en, h.start, h.end, tuple(sorted(h.makeup))) for h in spec.holidays
        ),
    )
    _check_year(data, marked)
    return data


def _from_csv(text: str, source: str) -> YearData:
    """CSV import: columns `date,kind,name_zh,name_en` with kind `holiday` or `makeup`, one row per day."""
    rows = list(csv.DictReader(io.StringIO(text)))
    required = {"date", "kind", "name_zh", "name_en"}
    if not rows:
        raise InputError("CSV 为空 / the CSV file has no rows", source=source)
    missing = required - set(rows[0])
    if missing:
        raise InputError(f"缺少列 / missing columns: {', '.join(sorted(missing))}", source=source, line=1)
    off: dict[str, list[date]] = {}
    makeup: dict[str, list[date]] = {}
    names: dict[str, str] = {}
    for lineno, row in enumerate(rows, start=2):
        try:
            day = date.fromisoformat((row["date"] or "").strip())
        except ValueError:
            raise InputError(
                f"日期无效 / not a date: {row['date']!r}", source=source, line=lineno, field="date"
            ) from None
        kind = (row["kind"] or "").strip()
        name = (row["name_zh"] or "").strip()
        if kind not in ("holiday", "makeup"):
            raise InputError(
                f"kind 应为 holiday 或 makeup / unknown kind {kind!r}",
                source=source,
                line=lineno,
                field="kind",
            )
        if not name:
            raise InputError("缺少节日名称 / name_zh is empty", source=source, line=lineno, field="name_zh")
        names.setdefault(name, (row["name_en"] or name).strip())
        (off if kind == "holiday" else makeup).setdefault(name, []).append(day)
    years = {d.year for days in off.values() for d in days}
    if len(years) != 1:
        raise InputError(f"CSV 应只含一个年份 / expected one year, found {sorted(years)}", source=source)
    year = years.pop()
    holidays: list[Holiday] = []
    for name, days in off.items():
        days.sort()
        if len(set(days)) != len(days):
            raise InputError(f"假日重复 / {name}: a day is listed twice", source=source, field="date")
        if (days[-1] - days[0]).days + 1 != len(days):
            raise InputError(
                f"{name}: 假期应连续 / holiday days must be consecutive", source=source, field="date"
            )
        holidays.append(Holiday(name, names[name], days[0], days[-1], tuple(sorted(makeup.pop(name, [])))))
    if makeup:
        orphan = ", ".join(sorted(makeup))
        raise InputError(
            f"调休日没有对应假日 / make-up days name no holiday: {orphan}", source=source, field="name_zh"
        )
    holidays.sort(key=lambda h: h.start)
    data = YearData(
        year=year,
        notice=f"imported from {Path(source).name}",
        reliability="official",
        holidays=tuple(holidays),
        source=source,
    )
    _check_year(data, None)
    return data


def read_year_file(path: str | Path) -> YearData:
    """Parse and validate one calendar file (YAML, or CSV by extension)."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"无法读取文件 / cannot read file: {exc}", source=str(p)) from None
        return _from_csv(text, str(p))
    return _from_marked(load_marked(p))


def user_dir() -> Path:
    """Where imported years are written: `$XDG_DATA_HOME/vats/calendar` (default ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vats" / "calendar"


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".csv"))


def load_years(directories: Iterable[Path] | None = None) -> Mapping[int, YearData]:
    """Every known year: bundled files first, then user files (a later file replaces the same year)."""
    dirs = list(directories) if directories is not None else [BUNDLED_DIR, user_dir()]
    years: dict[int, YearData] = {}
    for directory in dirs:
        for path in _files(directory):
            data = read_year_file(path)
            years[data.year] = data
    return MappingProxyType(dict(sorted(years.items())))


def _to_yaml(data: YearData) -> str:
    import yaml

    doc = {
        "year": data.year,
        "notice": data.notice,
        "published": data.published,
        "reliability": data.reliability,
        "holidays": [
            {
                "name_zh": h.name_zh,
                "name_en": h.name_en,
                "start": h.start,
                "end": h.end,
                "makeup": list(h.makeup),
            }
            for h in data.holidays
        ],
    }
    if data.published is None:
        del doc["published"]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def import_year_file(
    path: str | Path, *, to: Path | None = None, replace: bool = False
) -> tuple[YearData, Path]:
    """Validate `path` and write it as `<year>.yaml` into `to` (default: the user calendar directory).

    Refuses (InputError) to shadow a year that is already known unless `replace` is set, so a typo in
    the year does not silently override an official calendar. The file is written atomically.
    """
    data = read_year_file(path)
    target_dir = to if to is not None else user_dir()
    if to is not None and to.suffix.lower() in (".yaml", ".yml"):
        target, target_dir = to, to.parent
    else:
        target = target_dir / f"{data.year}.yaml"
    known = load_years([BUNDLED_DIR, user_dir(), target_dir])
    if data.year in known and not replace:
        raise InputError(
            f"{data.year} 年已有日历数据（{known[data.year].source}）；如需替换请加 --replace / "
            f"year {data.year} is already loaded; pass --replace to override it",
            source=str(path),
            field="year",
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(_to_yaml(data), encoding="utf-8")
    tmp.replace(target)
    return data, target


def parse_year_text(text: str, *, source: str = "<text>") -> YearData:
    """Validate YAML text (used by tests and the API)."""
    return _from_marked(load_marked_text(text, source=source))
