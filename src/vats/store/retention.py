"""Retention periods: which records vats refuses to delete, and until when.

Periods come from the rules library when the table names a rule it has (so one number serves the
obligations engine and the store), otherwise from `retention.yaml` next to this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from vats.model.clock import today as clock_today
from vats.model.errors import RefusedError

DATA_FILE = Path(__file__).with_name("retention.yaml")
_UNITS = ("days", "months", "years")


@dataclass(frozen=True, slots=True)
class Retention:
    table: str
    n: int
    unit: str
    basis: str
    rule_id: str | None = None

    def until(self, start: date) -> date:
        """The first day the record may go: `start` + period (month ends clamp, Civil Code style)."""
        if self.unit == "days":
            from datetime import timedelta

            return start + timedelta(days=self.n)
        from vats.model.dates import add_months

        return add_months(start, self.n * (12 if self.unit == "years" else 1))

    def describe(self) -> str:
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{self.basis}{rule}（{self.n} {self.unit}）"


def _library_period(rule_id: str) -> tuple[int, str] | None:
    try:
        from vats.reference.rules_library import default_library

        rule = default_library().rule(rule_id)
    except Exception:  # the library is optional here: fall back to the data file
        return None
    period = getattr(rule, "retention", None) if rule is not None else None
    if period is None:
        return None
    n = period.period or period.offset
    return (int(n), str(period.unit)) if n else None


@cache
def retention_table() -> dict[str, Retention]:
    """All configured periods, validated (a broken file is an error naming the table)."""
    import yaml

    raw: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    out: dict[str, Retention] = {}
    for table, spec in (raw.get("tables") or {}).items():
        period = spec.get("period") or {}
        n, unit = period.get("n"), period.get("unit")
        if not isinstance(n, int) or n <= 0 or unit not in _UNITS:
            raise ValueError(f"{DATA_FILE}: tables.{table}.period must be {{n: >0, unit: days|months|years}}")
        rule_id = spec.get("rule")
        if rule_id:
            found = _library_period(rule_id)
            if found is not None:
                n, unit = found
        out[table] = Retention(table=table, n=n, unit=unit, basis=str(spec.get("basis", "")), rule_id=rule_id)
    return out


def retention_for(table: str) -> Retention | None:
    return retention_table().get(table)


def _start(values: dict[str, Any]) -> date | None:
    for key in ("created_at", "recorded_at", "imported_at", "at"):
        value = values.get(key)
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    return None


def check_delete(table: str, values: dict[str, Any], *, today: date | None = None) -> None:
    """Refuse deleting a record of `table` that is still inside its retention period."""
    rule = retention_for(table)
    if rule is None:
        return
    start = _start(values)
    if start is None:
        return
    until = rule.until(start)
    today = today or clock_today()
    if today < until:
        raise RefusedError(
            f"记录在保存期内，{until} 之前不得删除 / record of {table} is inside its retention period "
            f"until {until}: {rule.describe()}",
            field=table,
        )
