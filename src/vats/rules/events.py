"""Events files: the plain records (model.obligations.Event) that trigger and satisfy obligations.

Format (YAML)::

    events:
      - {type: illegal_info_disposed, date: 2026-09-28, licence: 渝B2-20210467, subject: "case:42"}
      - type: annual_report_filed
        date: 2026-03-10
        fields: {year: 2025}

`subject` is shorthand for `fields.subject`. Types and fields are checked against
`reference/rules/event_types.yaml`; every error names the file, line and field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vats.model.clock import CHINA
from vats.model.errors import InputError
from vats.model.obligations import Event
from vats.reference.marked_yaml import Marked, load_marked
from vats.reference.rules_library import EventType, default_library

_TOP_KEYS = {"type", "date", "licence", "id", "subject", "fields"}


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def as_beijing_time(value: Any) -> datetime | None:
    """A date-time field as aware Beijing time, to the minute; a value without a zone is Beijing time
    (what staff type). None for anything else, including a bare date: an hour deadline needs a time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    aware = value.replace(tzinfo=CHINA) if value.tzinfo is None else value.astimezone(CHINA)
    return aware.replace(second=0, microsecond=0)


def _check_fields(
    etype: EventType, raw: Mapping[str, Any], marked: Marked, base: tuple[Any, ...]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        spec = etype.fields.get(name)
        path = (*base, name)
        if spec is None:
            allowed = ", ".join(sorted(etype.fields)) or "-"
            raise marked.error(
                path, f"事件 {etype.type} 没有此字段 / unknown field {name!r} (allowed: {allowed})"
            )
        if spec.type == "date":
            parsed = _as_date(value)
            if parsed is None:
                raise marked.error(path, f"不是日期 / not a date (YYYY-MM-DD): {value!r}")
            value = parsed
        elif spec.type == "datetime":
            moment = as_beijing_time(value)
            if moment is None:
                raise marked.error(path, f"不是日期时间 / not a date-time (YYYY-MM-DDTHH:MM): {value!r}")
            value = moment
        elif spec.type == "int":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | str)
                or not str(value).strip().isdigit()
            ):
                raise marked.error(path, f"应为整数 / expected a whole number, got {value!r}")
            value = int(value)
        else:
            value = str(value)
        if spec.values and value not in spec.values:
            raise marked.error(path, f"取值无效 / {value!r} is not one of {', '.join(spec.values)}")
        out[name] = value
    for name, spec in etype.fields.items():
        if spec.required and name not in out:
            raise marked.error(base, f"缺少必填字段 / missing required field {name!r}")
    return out


def events_from_marked(marked: Marked) -> list[Event]:
    """Validate parsed YAML (a list, or a mapping with `events`) into Events."""
    data = marked.data
    base: tuple[Any, ...] = ()
    if isinstance(data, dict):
        unknown = set(data) - {"events"}
        if unknown:
            key = sorted(unknown)[0]
            raise marked.error((key,), f"未知字段 / unknown field {key!r} (expected 'events')")
        data, base = data.get("events") or [], ("events",)
    if data is None:
        return []
    if not isinstance(data, list):
        raise marked.error(base, "应为事件列表 / expected a list of events")
    vocabulary = default_library().event_types
    events: list[Event] = []
    for i, item in enumerate(data):
        path = (*base, i)
        if not isinstance(item, dict):
            raise marked.error(path, "每个事件应为映射 / each event must be a mapping")
        for key in item:
            if key not in _TOP_KEYS:
                raise marked.error((*path, key), f"未知字段 / unknown field {key!r}")
        for key in ("type", "date"):
            if key not in item:
                raise marked.error(path, f"缺少必填字段 / missing required field {key!r}")
        etype = vocabulary.get(str(item["type"]))
        if etype is None:
            raise marked.error((*path, "type"), f"未知事件类型 / unknown event type {item['type']!r}")
        when = _as_date(item["date"])
        if when is None:
            raise marked.error((*path, "date"), f"不是日期 / not a date (YYYY-MM-DD): {item['date']!r}")
        raw_fields = item.get("fields") or {}
        if not isinstance(raw_fields, dict):
            raise marked.error((*path, "fields"), "fields 应为映射 / fields must be a mapping")
        if "subject" in item:
            raw_fields = {**raw_fields, "subject": item["subject"]}
        fields = _check_fields(etype, raw_fields, marked, (*path, "fields"))
        licence = item.get("licence")
        events.append(
            Event(
                type=etype.type,
                date=when,
                licence=None if licence is None else str(licence),
                id=None if item.get("id") is None else str(item["id"]),
                fields=MappingProxyType(fields),
            )
        )
    return events


def load_events(path: str | Path) -> list[Event]:
    """Read an events YAML file (contract: errors name file, line, field; exit code 2)."""
    return events_from_marked(load_marked(path))


def load_many(paths: Sequence[str | Path]) -> list[Event]:
    out: list[Event] = []
    for p in paths:
        out.extend(load_events(p))
    return out


@cache
def _date_fields(event_type: str) -> tuple[str, ...]:
    etype = default_library().event_types.get(event_type)
    if etype is None:
        return ()
    return tuple(name for name, spec in etype.fields.items() if spec.type == "date")


def typed_fields(event_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """An event's fields with their vocabulary types restored.

    Stored events keep `fields` as JSON, where a date (e.g. `effective_date`) comes back as text;
    the engine does date arithmetic on such fields, so whoever rebuilds an Event calls this. Date-time
    fields stay text (`2026-11-20T09:15+08:00`): the engine reads them with `as_beijing_time`, and
    the text is what register records compare their implied events by.
    """
    out = dict(fields)
    for name in _date_fields(event_type):
        value = out.get(name)
        if isinstance(value, str):
            parsed = _as_date(value)
            if parsed is not None:
                out[name] = parsed
    return out


def check_event(event: Event) -> None:
    """Validate an Event built in code (API, registers) against the vocabulary."""
    etype = default_library().event_types.get(event.type)
    if etype is None:
        raise InputError(f"未知事件类型 / unknown event type {event.type!r}", field="type")
    marked = Marked(data=None, source="<event>")
    _check_fields(etype, dict(event.fields), marked, ("fields",))
