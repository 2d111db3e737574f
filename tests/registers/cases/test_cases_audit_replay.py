"""The issue's own example: a case's disposed_at edited in the database without going through vats
is named by the audit replay (table, id, field); the case's life through vats is not flagged."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from vats.registers.cases import service
from vats.store.auditrows import mismatches

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def test_disposed_at_edited_behind_vats_is_named(scope: Scope, licence: str, engine: Engine) -> None:
    with scope() as s:
        case_id = service.add_case(
            s,
            licence=licence,
            site="dongchedi.com",
            content_ref="post/123",
            category="rumours",
            discovered_at=date(2026, 9, 27),
            today=TODAY,
        ).id
    with scope() as s:
        service.dispose_case(
            s,
            case_id=case_id,
            disposed_at=date(2026, 9, 28),
            action="delete",
            records_ref="evidence/123.zip",
            today=TODAY,
        )
    with scope() as s:
        assert list(mismatches(s)) == []
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE disposal_cases SET disposed_at = '2026-09-30' WHERE id = :id"), {"id": case_id}
        )
    with scope() as s:
        found = [(m.table, m.id, m.field, m.logged) for m in mismatches(s)]
    assert found == [("disposal_cases", str(case_id), "disposed_at", "2026-09-28")]
