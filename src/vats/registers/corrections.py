"""Correcting a register record: a mistyped date or reference, fixed without losing what was there.

Every register declares its `CORRECTIONS` in its service module: the input schemas a corrected value is
validated with (the same ones its actions use, so vocabularies and formats are checked alike) and the
date order its records keep. `correct_record` then

* refuses fields that are not correctable (licence, kind and year make a different record: add a new
  one), fields not yet recorded (an action records them), an empty reason and stale versions;
* validates the new values, checks dates are not in the future and still in order;
* updates the record (the audit log keeps the before and after values with the actor);
* brings its events in line through `sync_events`: events the corrected record no longer implies are
  retracted with the reason and the right ones recorded, so deadlines move with the correction;
* records `record_corrected` (fields and reason), the correction's own entry in the record's history.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.errors import InputError
from vats.registers.base import (
    RegisterColumns,
    check_version,
    get_or_raise,
    not_before,
    not_future,
    parse_input,
)
from vats.registers.events import Implied, emit, sync_events
from vats.registers.states import RegisterInfo, registers

FIXED = frozenset({"licence", "kind", "year"})
"""Fields that identify what a record is about: changing them is a new record, not a correction."""

Earlier = str | Callable[[Any], str]


@dataclass(frozen=True, slots=True)
class Corrections:
    """How one register's records may be corrected."""

    schemas: tuple[type[BaseModel], ...]  # the register's input schemas (create and action bodies)
    implied: Callable[[Any], list[Implied]]  # the register's `implied_events`
    order: tuple[tuple[str, Earlier, str], ...] = ()  # (later, earlier field or how to pick it, its name)
    may_be_future: tuple[str, ...] = ()  # dates of what is planned (a change's effective date)

    def fields(self) -> list[str]:
        names = {name for schema in self.schemas for name in schema.model_fields}
        return sorted(names - FIXED)


def corrections_of(info: RegisterInfo) -> Corrections:
    spec: Corrections = importlib.import_module(f"vats.registers.{info.plural}.service").CORRECTIONS
    return spec


def register_info(name: str) -> RegisterInfo:
    """A register by its key ("case") or plural ("cases")."""
    for info in registers():
        if name in (info.key, info.plural):
            return info
    known = ", ".join(info.plural for info in registers())
    raise InputError(f"未知登记簿 / unknown register {name!r} (known: {known})", field="register")


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
    info = register_info(register)
    spec = corrections_of(info)
    record: RegisterColumns = get_or_raise(session, info.load_model(), record_id)
    check_version(record, expected_version, what=record.noun)
    why = (reason or "").strip()
    if not why:
        raise InputError("请说明更正原因 / give the reason for the correction", field="reason")
    if not changes:
        raise InputError("没有要更正的字段 / nothing to correct", field="changes")
    allowed = spec.fields()
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
    for name, value in values.items():
        if isinstance(value, date | datetime) and name not in spec.may_be_future:
            not_future(value, field=name, today=day)
    _check_order(spec, record, values)
    before = {name: getattr(record, name) for name in values}
    if before == values:
        raise InputError(
            "更正后的值与原值相同 / the corrected values equal the recorded ones", field="changes"
        )
    for name, value in values.items():
        setattr(record, name, value)
    session.flush()
    sync_events(session, record, spec.implied, retract_reason=why, today=day)
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


def _validated(spec: Corrections, record: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The new values, validated by every schema that holds one of them (with the record's other
    values filled in, so cross-field rules of the schema still apply)."""
    out: dict[str, Any] = {}
    for schema in spec.schemas:
        names = set(schema.model_fields) & set(changes)
        if not names:
            continue
        merged = {f: changes[f] if f in changes else getattr(record, f, None) for f in schema.model_fields}
        data = parse_input(schema, {k: v for k, v in merged.items() if v is not None})
        for name in names:
            value = getattr(data, name)
            out[name] = clock.assume_beijing(value) if isinstance(value, datetime) else value
    return out


def _check_order(spec: Corrections, record: Any, values: Mapping[str, Any]) -> None:
    for later, earlier, name in spec.order:
        first = earlier(record) if callable(earlier) else earlier
        if later not in values and first not in values:
            continue
        a = values.get(later, getattr(record, later))
        b = values.get(first, getattr(record, first))
        if a is not None and b is not None:
            not_before(a, b, field=later if later in values else first, earlier_name=name)
