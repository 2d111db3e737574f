"""Correcting a register record: a mistyped date or reference, fixed without losing what was there.

A register's spec says what may be corrected: the fields of its input models (create and the
correctable steps, so vocabularies and formats are checked alike) and the date order its records
keep (`RegisterSpec.order`, the same rules its steps apply). `correct_record` then

* refuses fields that are not correctable (licence, kind and year make a different record: add a new
  one), fields not yet recorded (an action records them), an empty reason and stale versions;
* validates the new values, checks dates are not in the future and still in order;
* updates the record (the audit log keeps the before and after values with the actor);
* brings its events in line through `sync_events`: events the corrected record no longer implies are
  retracted with the reason and the right ones recorded, so deadlines move with the correction;
* records `record_corrected` (fields and reason), the correction's own entry in the record's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.errors import InputError
from vats.registers import spec_for
from vats.registers.base import RegisterColumns, check_version, get_or_raise, parse_input
from vats.registers.events import emit, sync_events
from vats.registers.generic.dates import check_dates, current
from vats.registers.spec import RegisterSpec

FIXED = frozenset({"licence", "kind", "year"})
"""Fields that identify what a record is about: changing them is a new record, not a correction."""


def correctable(spec: RegisterSpec) -> list[str]:
    """Fields of a register that a correction may change."""
    names = {name for schema in spec.schemas() for name in schema.model_fields}
    return sorted(names - FIXED)


def correct_record(
    session: Session,
    *,
    register: str,
    record_id: int,
    changes: Mapping[str, Any],
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> RegisterColumns:
    """Apply `changes` (field -> new value) to one record, for `reason`; see the module docstring."""
    spec = spec_for(register)
    record: RegisterColumns = get_or_raise(session, spec.load_model(), record_id)
    check_version(record, expected_version, what=record.noun)
    why = (reason or "").strip()
    if not why:
        raise InputError("请说明更正原因 / give the reason for the correction", field="reason")
    if not changes:
        raise InputError("没有要更正的字段 / nothing to correct", field="changes")
    allowed = correctable(spec)
    for name in changes:
        if name not in allowed:
            raise InputError(
                f"不能更正 {name}（可更正：{', '.join(allowed)}）/ {name} cannot be corrected "
                f"(correctable: {', '.join(allowed)})",
                field=name,
            )
        if getattr(record, name) is None and name != "note":
            raise InputError(
                f"{name} 尚未登记，请用相应操作登记 / {name} is not recorded yet: record it with its action",
                field=name,
            )
    values = _validated(spec, record, changes)
    day = today or clock.today()
    check_dates(spec, values, {**current(record, spec), **values}, today=day)
    before = {name: getattr(record, name) for name in values}
    if before == values:
        raise InputError(
            "更正后的值与原值相同 / the corrected values equal the recorded ones", field="changes"
        )
    for name, value in values.items():
        setattr(record, name, value)
    session.flush()
    sync_events(session, record, spec.implied_events, retract_reason=why, today=day)
    emit(
        session,
        type="record_corrected",
        on=day,
        licence=record.licence,
        subject=record.subject,
        fields_changed=", ".join(sorted(values)),
        reason=why,
    )
    session.flush()
    return record


def _validated(spec: RegisterSpec, record: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The new values, validated by every schema that holds one of them (with the record's other
    values filled in, so cross-field rules of the schema still apply)."""
    out: dict[str, Any] = {}
    for schema in spec.schemas():
        names = set(schema.model_fields) & set(changes)
        if not names:
            continue
        merged = {f: changes[f] if f in changes else getattr(record, f, None) for f in schema.model_fields}
        data = parse_input(schema, {k: v for k, v in merged.items() if v is not None})
        for name in names:
            value = getattr(data, name)
            out[name] = clock.assume_beijing(value) if isinstance(value, datetime) else value
    return out
