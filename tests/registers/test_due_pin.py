"""A register's due summary defaults to the one clock, so a pinned `VATS_AS_OF` moves it like any
other "today" (the API and web pages call `to_out` without an explicit date)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy.orm import Session

from vats.registers.cases import service
from vats.registers.cases.schemas import CaseOut
from vats.registers.cases.spec import MACHINE
from vats.registers.generic.service import to_out

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def test_due_status_follows_the_pinned_date(
    scope: Scope, licence: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scope() as s:
        case = service.add_case(
            s,
            licence=licence,
            site="dongchedi.com",
            content_ref="post/1",
            category="rumours",
            discovered_at=date(2026, 9, 27),
            today=TODAY,
        )
        service.dispose_case(
            s,
            case_id=case.id,
            disposed_at=date(2026, 9, 28),
            action="delete",
            records_ref="vault/1",
            today=TODAY,
        )
        case_id = case.id
    seen = {}
    for pinned in ("2026-10-01", "2026-10-20"):
        monkeypatch.setenv("VATS_AS_OF", pinned)
        with scope() as s:
            (out,) = to_out(s, CaseOut, [service.get_case(s, case_id=case_id)], machine=MACHINE)
            assert out.due is not None and out.due.due_date == date(2026, 10, 16)
            seen[pinned] = out.due.status
    assert seen["2026-10-20"] == "overdue"
    assert seen["2026-10-01"] != "overdue"
