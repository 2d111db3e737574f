"""The automatic audit trail: every insert/update/delete of an `Audited` model becomes an `audit_log` row.

Implemented once, as Session flush hooks, so no service (ours or another team's) can forget to log a
change and no change can be logged in a different transaction from the change itself:

* `before_flush` snapshots what each audited object looked like before (committed attribute state);
* `after_flush` reads the after-state (ids, versions and Python-side defaults are known by then) and
  appends the rows through `vats.store.auditlog.append`, which serialises appenders and extends the
  SM3 hash chain.

Columns named in a model's `__audit_redact__` are logged as "[redacted]" (password hashes); large
JSON/bytes columns named in `__audit_digest__` are logged as their SM3 digest, so the trail proves
what changed without copying whole documents into every row.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from vats.model.sm3 import sm3_hex
from vats.store.scope import scope_of

_PENDING = "vats_audit_pending"


class Audited:
    """Mix-in: changes to this model are written to the audit log in the same transaction."""

    __audit_redact__: ClassVar[frozenset[str]] = frozenset()
    __audit_digest__: ClassVar[frozenset[str]] = frozenset()

    def audit_organisation(self, conn: Connection) -> int | None:
        """The organisation whose readers may see this object's audit entries (None: admins only).

        Rows with an `organisation_id` column belong to it; models that reach their organisation
        through a parent row override this (`conn` is the flushing transaction's connection)."""
        value = inspect(self).dict.get("organisation_id")
        return value if isinstance(value, int) else None


def organisation_via(conn: Connection, column: Any, key: Any, value: Any) -> int | None:
    """`column` (an organisation id) of the parent row whose `key` equals `value`, for models whose
    organisation is held by a parent (a revision's licence, an attachment's filing)."""
    from sqlalchemy import select

    if value is None:
        return None
    found = conn.execute(select(column).where(key == value).limit(1)).scalar()
    return found if isinstance(found, int) else None


def plain(value: Any) -> Any:
    """A column value as JSON data (dates ISO, bytes as base64, decimals as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def logged_value(obj: Audited | type[Audited], key: str, value: Any) -> Any:
    """`value` of column `key` as the audit log records it (redacted, digested or plain)."""
    if key in obj.__audit_redact__:
        return None if value is None else "[redacted]"
    if key in obj.__audit_digest__ and value is not None:
        raw = bytes(value) if isinstance(value, bytes | bytearray | memoryview) else _canon(value).encode()
        return {"sm3": sm3_hex(raw), "size": len(raw)}
    return plain(value)


def _canon(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _columns(obj: Audited) -> list[str]:
    return [attr.key for attr in inspect(type(obj)).column_attrs]


def _before(obj: Audited) -> dict[str, Any]:
    """Committed values (what the database held before this flush), from attribute history."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.deleted:
            out[key] = logged_value(obj, key, hist.deleted[0])
        elif hist.unchanged:
            out[key] = logged_value(obj, key, hist.unchanged[0])
    return out


def _after(obj: Audited) -> dict[str, Any]:
    """Current values, read from the instance dict only (never triggers a lazy load mid-flush)."""
    loaded = inspect(obj).dict
    return {key: logged_value(obj, key, loaded[key]) for key in _columns(obj) if key in loaded}


def _entity_id(obj: Audited) -> str:
    key = inspect(type(obj)).primary_key_from_instance(obj)  # identity is not set until after flush
    return ",".join(str(part) for part in key)


def log_inserts(session: Session, model: type[Audited], rows: Sequence[Mapping[str, Any]]) -> None:
    """Log rows of `model` inserted without the ORM (a bulk path), one entry per row exactly as the
    flush hook logs a new object: its column values, `id` included, under its `organisation_id`."""
    from vats.store.auditlog import Change, append

    name = model.__tablename__  # type: ignore[attr-defined]
    changes = [
        Change(
            entity=name,
            entity_id=str(row["id"]),
            action="insert",
            before=None,
            after={key: logged_value(model, key, value) for key, value in row.items()},
            organisation_id=org if isinstance(org := row.get("organisation_id"), int) else None,
        )
        for row in rows
    ]
    if changes:
        append(session.connection(), actor=scope_of(session).actor, changes=changes)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    pending: list[tuple[Audited, str, dict[str, Any] | None]] = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append((obj, "insert", None))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            pending.append((obj, "update", _before(obj)))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            from vats.store.retention import check_delete

            check_delete(type(obj).__tablename__, inspect(obj).dict)  # type: ignore[attr-defined]
            pending.append((obj, "delete", _before(obj)))


@event.listens_for(Session, "after_flush")
def _append(session: Session, _ctx: UOWTransaction) -> None:
    pending: list[tuple[Audited, str, dict[str, Any] | None]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    from vats.store.auditlog import Change, append

    changes: list[Change] = []
    for obj, action, before in pending:
        after = None if action == "delete" else _after(obj)
        if action == "update" and before is not None and after is not None:
            changed = {k for k in after if before.get(k) != after[k]}
            if not changed:
                continue
            before = {k: before.get(k) for k in sorted(changed)}
            after = {k: after[k] for k in sorted(changed)}
        changes.append(
            Change(
                entity=type(obj).__tablename__,  # type: ignore[attr-defined]
                entity_id=_entity_id(obj),
                action=action,
                before=before,
                after=after,
                organisation_id=obj.audit_organisation(session.connection()),
            )
        )
    if changes:
        append(session.connection(), actor=scope_of(session).actor, changes=changes)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
