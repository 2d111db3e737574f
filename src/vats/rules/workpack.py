"""Annual report workpack logic, pure: field keys in form order, typing of entered values, validation
like the online form's, the count of what a person still has to fill, and the filing window.

The store/registers layer gathers the facts (`Prefilled` values, each with its source) and the
entered values; everything here is a function of those, so the CLI, API and web give one answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from vats.model.errors import InputError
from vats.reference.annual_report import AnnualReportForm, FormField, Section

LAUNCHED = "开通"
"""The 业务发展 table exists only for services marked 开通 (TSM manual); other services carry no data."""


@dataclass(frozen=True, slots=True)
class Prefilled:
    """A value vats knows, with where it came from (shown beside the value)."""

    value: Any
    source: str


class Known(Mapping[str, Prefilled]):
    """One licence's pre-filled values as plain data, each value's source written only when asked
    for: checking a whole portfolio needs the values, only a page or an export shows the sources."""

    __slots__ = ("plain", "source")

    def __init__(self, plain: dict[str, Any], source: Callable[[str], str]) -> None:
        self.plain = plain
        self.source = source

    def __getitem__(self, key: str) -> Prefilled:
        return Prefilled(self.plain[key], self.source(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.plain)

    def __len__(self) -> int:
        return len(self.plain)


@dataclass(frozen=True, slots=True)
class Problem:
    """A validation result. `blocking` problems stop submission; flags ask for a second look only."""

    key: str
    code: str  # required | type | range | pattern | cross | inventory | yoy | large
    message: str
    blocking: bool = True


@dataclass(frozen=True, slots=True)
class Slot:
    """One box to fill: `key` is the field id, or `development.<service>.<field>` for per-service rows.

    Slots are built once per form and service combination and shared by every workpack with that
    combination, so what validation asks of each box (its label, the 开通 box it depends on, its
    "required" problem) is worked out once here rather than per workpack."""

    key: str
    section: Section
    field: FormField
    service: str | None = None
    label: str = dataclasses.field(init=False, default="")
    launched_key: str | None = dataclasses.field(init=False, default=None)  # the 开通 box this box depends on
    required_problem: Problem | None = dataclasses.field(init=False, default=None)

    def __post_init__(self) -> None:
        label = f"{self.field.label}（{self.service}）" if self.service else self.field.label
        object.__setattr__(self, "label", label)
        if self.service and self.field.id != "launched":
            object.__setattr__(self, "launched_key", f"{self.section.id}.{self.service}.launched")
        if self.field.required:
            object.__setattr__(
                self, "required_problem", Problem(self.key, "required", f"{label}：必填 / required")
            )


PLEDGE_KEY = "pledge"
_PLEDGE_SECTION = Section(
    id="pledge",
    title="承诺书",
    fields=(FormField(id=PLEDGE_KEY, label="承诺书（逐字输入）", type="text"),),
)


def slots(form: AnnualReportForm, services: Sequence[str]) -> list[Slot]:
    """Every box in the form's order (the pledge first, typed by a person); per-service tables repeat
    for each licensed service."""
    out: list[Slot] = [Slot(PLEDGE_KEY, _PLEDGE_SECTION, _PLEDGE_SECTION.fields[0])]
    for section in form.sections:
        if section.per_service:
            for code in services:
                out.extend(Slot(f"{section.id}.{code}.{f.id}", section, f, code) for f in section.fields)
        else:
            out.extend(Slot(f.id, section, f) for f in section.fields)
    return out


def coerce(field: FormField, raw: Any, *, key: str) -> Any:
    """A typed value from what was typed (or sent as JSON); wrong types are an InputError naming the key."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if len(text) > 2000:
        raise InputError("内容过长（上限 2000 字）/ longer than 2000 characters", field=key)
    try:
        if field.type == "int":
            if isinstance(raw, bool):
                raise ValueError
            return int(text.replace(",", ""))
        if field.type in ("money", "percent"):
            value = Decimal(text.replace(",", ""))
            if not value.is_finite():
                raise ValueError
            return float(value)
        if field.type == "bool":
            if isinstance(raw, bool):
                return raw
            lowered = text.lower()
            if lowered in ("true", "yes", "1", "是"):
                return True
            if lowered in ("false", "no", "0", "否"):
                return False
            raise ValueError
        if field.type == "date":
            return date.fromisoformat(text).isoformat()
        if field.type == "choice":
            if text not in field.choices:
                raise InputError(
                    f"应为 {'、'.join(field.choices)} 之一 / must be one of {', '.join(field.choices)}",
                    field=key,
                )
            return text
    except (ValueError, InvalidOperation):
        raise InputError(
            f"{field.label}：类型应为 {_TYPE_ZH[field.type]} / not a valid {field.type}", field=key
        ) from None
    return text


_TYPE_ZH = {
    "text": "文本",
    "int": "整数",
    "money": "金额",
    "percent": "百分比",
    "bool": "是/否",
    "date": "日期（YYYY-MM-DD）",
    "choice": "选项",
}


def effective(
    slot_list: Sequence[Slot], values: Mapping[str, Any], prefill: Mapping[str, Prefilled]
) -> dict[str, Any]:
    """What the report says: an entered value wins over the pre-filled one."""
    return _fill(
        dict.fromkeys(s.key for s in slot_list),
        tuple((s.key, s.field.prefill) for s in slot_list if s.field.prefill),
        values,
        prefill,
    )


def _fill(
    blank: dict[str, Any],
    prefilled: Sequence[tuple[str, str]],
    values: Mapping[str, Any] | None,
    prefill: Mapping[str, Prefilled],
) -> dict[str, Any]:
    """`blank` (every box empty, in form order) with the pre-filled values, then the entered ones."""
    if isinstance(prefill, Known):
        plain = prefill.plain
        for key, fact in prefilled:
            if fact in plain:
                blank[key] = plain[fact]
    else:
        get = prefill.get
        for key, fact in prefilled:
            known = get(fact)
            if known is not None:
                blank[key] = known.value
    if values:
        for key, value in values.items():
            if value is not None and key in blank:
                blank[key] = value
    return blank


def remaining(slot_list: Sequence[Slot], eff: Mapping[str, Any]) -> list[Slot]:
    """Required boxes still empty (the "还需填写 N 项" count); a per-service box other than 开通 itself
    is required only when its service is marked 开通."""
    get = eff.get
    return [
        s
        for s in slot_list
        if s.required_problem is not None
        and get(s.key) is None
        and (s.launched_key is None or get(s.launched_key) == LAUNCHED)
    ]


_Checked = tuple[
    str, "str | None", str, "float | None", "float | None", "float | None", "re.Pattern[str] | None"
]
"""A box whose value can be wrong (its service not 开通, out of range, unusually large, malformed):
key, the 开通 box it depends on, label, minimum, maximum, size flag limit, pattern."""

_Cross = tuple[str, str, "str | None", str, str]
"""A cross-field check of the form: kind, field, the field it is compared with, message, the fact
the field is pre-filled from."""


def _checked(form: AnnualReportForm, slot_list: Sequence[Slot]) -> tuple[_Checked, ...]:
    out: list[_Checked] = []
    for s in slot_list:
        f = s.field
        limit = form.flag_above.get(f.type)
        pattern = re.compile(f.pattern) if f.pattern else None
        if s.launched_key or f.min is not None or f.max is not None or limit is not None or pattern:
            out.append((s.key, s.launched_key, s.label, f.min, f.max, limit, pattern))
    return tuple(out)


@dataclass(frozen=True)
class Plan:
    """A form's boxes for one set of services, with what filling and validating them asks, worked out
    once and shared by every workpack with that set: a workpack then costs a pass over its pre-filled
    boxes, its required boxes and the boxes a value can fail, not a pass over every box per step."""

    form: AnnualReportForm
    slots: tuple[Slot, ...]
    blank: Mapping[str, None]
    prefilled: tuple[tuple[str, str], ...]  # (box, fact) for the boxes vats pre-fills
    required: tuple[Slot, ...]
    checked: tuple[_Checked, ...]
    cross: tuple[_Cross, ...]

    @classmethod
    def of(cls, form: AnnualReportForm, slot_list: Sequence[Slot]) -> Plan:
        return cls(
            form=form,
            slots=tuple(slot_list),
            blank=dict.fromkeys(s.key for s in slot_list),
            prefilled=tuple((s.key, s.field.prefill) for s in slot_list if s.field.prefill),
            required=tuple(s for s in slot_list if s.required_problem is not None),
            checked=_checked(form, slot_list),
            cross=tuple(
                (c.kind, c.field, c.than, c.message, form.field(c.field).prefill or "") for c in form.checks
            ),
        )

    def effective(self, values: Mapping[str, Any] | None, prefill: Mapping[str, Prefilled]) -> dict[str, Any]:
        return _fill(dict(self.blank), self.prefilled, values, prefill)

    def remaining(self, eff: Mapping[str, Any]) -> list[Slot]:
        return remaining(self.required, eff)

    def validate(
        self,
        eff: Mapping[str, Any],
        *,
        prefill: Mapping[str, Prefilled],
        previous: Mapping[str, Any] | None = None,
        missing: Sequence[Slot] | None = None,
    ) -> list[Problem]:
        """Required, types/ranges, cross-table consistency, then year-over-year and size flags.
        `missing`: `self.remaining(eff)` when the caller has it already."""
        if missing is None:
            missing = self.remaining(eff)
        problems = [s.required_problem for s in missing if s.required_problem is not None]
        for key, launched, label, minimum, maximum, limit, pattern in self.checked:
            value = eff.get(key)
            if value is None:
                continue
            if launched is not None and eff.get(launched) != LAUNCHED:
                message = f"{label}：业务未开通，不应填写业务发展数据 / service not launched"
                problems.append(Problem(key, "cross", message))
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if minimum is not None and value < minimum:
                    problems.append(
                        Problem(key, "range", f"{label}：不能小于 {minimum:g} / below {minimum:g}")
                    )
                if maximum is not None and value > maximum:
                    problems.append(
                        Problem(key, "range", f"{label}：不能大于 {maximum:g} / above {maximum:g}")
                    )
                if limit is not None and value > limit:
                    message = f"{label}：超过 {limit:,.0f}，请核对 / unusually large"
                    problems.append(Problem(key, "large", message, blocking=False))
            if pattern is not None and isinstance(value, str) and not pattern.fullmatch(value):
                problems.append(Problem(key, "pattern", f"{label}：格式不正确 / malformed"))
        problems.extend(_cross(self.form, self.cross, eff, prefill))
        if previous:
            problems.extend(_year_over_year(self.form, eff, previous))
        return problems


def validate(
    form: AnnualReportForm,
    slot_list: Sequence[Slot],
    eff: Mapping[str, Any],
    *,
    prefill: Mapping[str, Prefilled],
    previous: Mapping[str, Any] | None = None,
    missing: Sequence[Slot] | None = None,
) -> list[Problem]:
    """`Plan.validate` for a box list at hand (a plan is built for it)."""
    return Plan.of(form, slot_list).validate(eff, prefill=prefill, previous=previous, missing=missing)


def _cross(
    form: AnnualReportForm,
    checks: Sequence[_Cross],
    eff: Mapping[str, Any],
    prefill: Mapping[str, Prefilled],
) -> list[Problem]:
    """The pledge typed exactly, and the form's cross-field checks."""
    problems: list[Problem] = []
    pledge = eff.get(PLEDGE_KEY)
    if pledge is not None and pledge != form.pledge.text:
        problems.append(
            Problem(PLEDGE_KEY, "pledge", "承诺书须与规定文字逐字一致（含标点）/ type the pledge exactly")
        )
    plain = prefill.plain if isinstance(prefill, Known) else None
    for kind, field, than, message, fact in checks:
        value = eff.get(field)
        if kind == "not_greater" and than:
            other = eff.get(than)
            if isinstance(value, (int, float)) and isinstance(other, (int, float)) and value > other:
                problems.append(Problem(field, "cross", message))
        elif kind == "equals_prefill" and value is not None:
            if plain is not None and plain.get(fact, value) == value:
                continue  # as vats counted (or nothing counted): no source text needed
            known = prefill.get(fact)
            if known is not None and value != known.value:
                problems.append(
                    Problem(field, "inventory", f"{message}（清单为 {known.value}，来源：{known.source}）")
                )
    return problems


def _year_over_year(
    form: AnnualReportForm, eff: Mapping[str, Any], previous: Mapping[str, Any]
) -> list[Problem]:
    out: list[Problem] = []
    limit = form.yoy_threshold_percent
    for key in form.yoy_fields:
        now, before = eff.get(key), previous.get(key)
        if not isinstance(now, (int, float)) or not isinstance(before, (int, float)) or before == 0:
            continue
        change = (now - before) / abs(before) * 100
        if abs(change) > limit:
            label = form.field(key).label
            out.append(
                Problem(
                    key,
                    "yoy",
                    f"{label}：较上年变化 {change:+.0f}%（上年 {before:g}），超过 {limit:g}%，请复核 / "
                    f"changed {change:+.0f}% from last year",
                    blocking=False,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class WindowState:
    """Where today falls in the filing window, and what missing it means."""

    phase: str  # not_open | open | late | locked
    label: str
    opens: date
    due: date
    late_until: date | None
    locked_from: date | None
    unconfirmed: frozenset[str]
    consequence: str


PHASE_LABELS = {
    "not_open": "尚未开放",
    "open": "报送期内",
    "late": "已逾期（补报期）",
    "locked": "已锁定（逾期未报）",
}


def window_state(form: AnnualReportForm, *, province: str | None, today: date) -> WindowState:
    w = form.window_for(province)
    if today < w.opens:
        phase = "not_open"
    elif today <= w.due:
        phase = "open"
    elif w.locked_from is None or today < w.locked_from:
        phase = "late"
    else:
        phase = "locked"
    return WindowState(
        phase=phase,
        label=PHASE_LABELS[phase],
        opens=w.opens,
        due=w.due,
        late_until=w.late_until,
        locked_from=w.locked_from,
        unconfirmed=w.unconfirmed,
        consequence=form.consequence.zh,
    )


def display(value: Any) -> str:
    """A value as the online form takes it (是/否 for booleans, plain numbers, empty for nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
