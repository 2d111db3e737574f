"""Date checks every register applies alike, in steps and corrections: nothing recorded as having
happened lies in the future, and the dates a record keeps in order (`RegisterSpec.order`) stay so."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from vats.registers.base import not_before, not_future
from vats.registers.spec import RegisterSpec


def check_dates(
    spec: RegisterSpec, changed: Mapping[str, Any], merged: Mapping[str, Any], *, today: date
) -> None:
    """New dates are not in the future (unless planned) and every `Order` involving one still holds
    on `merged` (the record as it will be)."""
    for name, value in changed.items():
        if isinstance(value, date | datetime) and name not in spec.may_be_future:
            not_future(value, field=name, today=today)
    view = _Merged(merged)
    for rule in spec.order:
        earlier = rule.earlier(view) if callable(rule.earlier) else rule.earlier
        if rule.later not in changed and earlier not in changed:
            continue
        a, b = merged.get(rule.later), merged.get(earlier)
        if a is not None and b is not None:
            field = rule.later if rule.later in changed else earlier
            what = spec.label(earlier)
            not_before(a, b, field=field, earlier_name=f"{what.zh} {what.en.lower()}")


def current(record: Any, spec: RegisterSpec) -> dict[str, Any]:
    """The record's values that `check_dates` may compare."""
    names = {o.later for o in spec.order} | {o.earlier for o in spec.order if isinstance(o.earlier, str)}
    names |= set(spec.create.model_fields)
    return {name: getattr(record, name, None) for name in names}


class _Merged:
    """The record as it will be, for `Order.earlier` callables that read other fields."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        return self._values.get(name)
