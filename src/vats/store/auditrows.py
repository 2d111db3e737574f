"""Replay the audit log against the live tables: rows edited, added or removed behind vats's back.

The hash chain proves the log was not altered; it says nothing about a register row changed with a
plain SQL UPDATE, which never reaches the log. Replaying every entry of an audited table (an insert's
after-image, then each update's changed fields, a delete) gives the state each row should have; any
live row that differs, any live row the log never saw, and any row the log says exists but is gone is
a mismatch naming (table, id, field).

Values are compared in their logged form (redacted columns as "[redacted]", digested columns as their
SM3 digest), and timestamps as instants, because SQLite hands back naive UTC values where the flush
logged aware ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from vats.store.audit import Audited, logged_value

_GONE = object()


@dataclass(frozen=True, slots=True)
class RowMismatch:
    table: str
    id: str
    field: str
    logged: Any
    live: Any

    def describe(self) -> str:
        return f"{self.table} #{self.id} {self.field}: 日志 / log {self.logged!r} ≠ 库中 / live {self.live!r}"


def audited_models() -> dict[str, type[Audited]]:
    """Table name → model of every audited table."""
    from vats.store.all_models import load_all
    from vats.store.base import Base

    load_all()
    out: dict[str, type[Audited]] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited):
            out[cls.__tablename__] = cls  # type: ignore[attr-defined]
    return out


def replayed_state(session: Session, tables: set[str]) -> dict[str, dict[str, Any]]:
    """table → entity id → the row's logged state (dict of fields) or _GONE after a delete."""
    from json import loads

    state: dict[str, dict[str, Any]] = {t: {} for t in tables}
    query = text(
        "SELECT id, entity, entity_id, action, CAST(after AS TEXT) FROM audit_log "
        "WHERE id > :last ORDER BY id LIMIT 20000"
    )
    last = -1
    while True:
        page = session.execute(query, {"last": last}).all()
        if not page:
            break
        for _seq, entity, entity_id, action, after in page:
            rows = state.get(entity)
            if rows is None:
                continue
            if action == "delete":
                rows[entity_id] = _GONE
                continue
            image = loads(after) if after else {}
            current = rows.get(entity_id)
            if action == "insert" or current is None or current is _GONE:
                rows[entity_id] = dict(image)
            else:
                current.update(image)
        last = page[-1][0]
    return state


def _instant(value: Any) -> Any:
    """A timestamp-like string as a naive UTC instant (else the value unchanged)."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    return value


def same(logged: Any, live: Any) -> bool:
    return bool(logged == live or _instant(logged) == _instant(live))


def mismatches(session: Session, *, archived: bool = False) -> Iterator[RowMismatch]:
    """Every difference between the live audited tables and the replayed log, table by table.

    A live row the log never mentions counts only when nothing was archived (else its insert may
    simply have left with the archive)."""
    models = audited_models()
    state = replayed_state(session, set(models))
    for table, cls in sorted(models.items()):
        expected = state[table]
        mapper = inspect(cls)
        keys = [attr.key for attr in mapper.column_attrs]
        columns = [mapper.columns[k] for k in keys]
        pk = [mapper.columns[c.key] for c in mapper.primary_key]
        seen: set[str] = set()
        for row in session.execute(select(*columns).order_by(*pk)):
            values = dict(zip(keys, row, strict=True))
            entity_id = ",".join(str(values[c.key]) for c in mapper.primary_key)
            seen.add(entity_id)
            logged = expected.get(entity_id)
            if logged is None:
                if not archived:
                    yield RowMismatch(table, entity_id, "*", None, "row not in the audit log")
                continue
            if logged is _GONE:
                yield RowMismatch(table, entity_id, "*", "deleted", "row present")
                continue
            for key in keys:
                if key not in logged:
                    continue
                live = logged_value(cls, key, values[key])
                if not same(logged[key], live):
                    yield RowMismatch(table, entity_id, key, logged[key], live)
        for entity_id, logged in expected.items():
            if logged is not _GONE and entity_id not in seen:
                yield RowMismatch(table, entity_id, "*", "present", "row missing")
