"""Disposal cases: state machine, validation, events, optimistic concurrency, and the done-when
scenario (disposed 2026-09-28, reported 2026-10-20 → late; due 2026-10-16) through the rules engine."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import ConflictError, InputError, NotFoundError
from vats.registers.cases import service
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)  # fixed "today" for the not-in-the-future checks


def _open(scope: Scope, licence: str, *, discovered: date = date(2026, 9, 27)) -> int:
    with scope() as s:
        case = service.add_case(
            s,
            licence=licence,
            site="dongchedi.com",
            content_ref="post/123",
            category="rumours",
            discovered_at=discovered,
            today=TODAY,
        )
        assert case.status == "open" and case.version == 1
        return case.id


def test_done_when_report_after_ten_working_days_is_late(scope: Scope, licence: str) -> None:
    from vats.registers.events import obligations_for

    case_id = _open(scope, licence)
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
        pending = obligations_for(s, subjects={f"case:{case_id}": licence}, as_of=date(2026, 10, 10))
    (due,) = pending[f"case:{case_id}"]
    # National Day holiday 2026-10-01..07: ten working days after 09-28 end on 10-16.
    assert due.due_date == date(2026, 10, 16)
    assert due.status.value in ("upcoming", "due_soon")
    with scope() as s:
        service.report_case(
            s, case_id=case_id, reported_at=date(2026, 10, 20), receipt_no="渝通报-2026-88", today=TODAY
        )
    with scope() as s:
        done = obligations_for(s, subjects={f"case:{case_id}": licence}, as_of=date(2026, 10, 20))
    (late,) = done[f"case:{case_id}"]
    assert late.due_date == date(2026, 10, 16)
    assert late.completed_on == date(2026, 10, 20)
    assert late.late is True


def test_report_within_the_period_is_not_late(scope: Scope, licence: str) -> None:
    from vats.registers.events import due_summaries

    case_id = _open(scope, licence)
    with scope() as s:
        service.dispose_case(
            s, case_id=case_id, disposed_at=date(2026, 9, 28), action="stop", records_ref="r", today=TODAY
        )
        service.report_case(s, case_id=case_id, reported_at=date(2026, 10, 16), receipt_no="R1", today=TODAY)
    with scope() as s:
        summary = due_summaries(s, subjects={f"case:{case_id}": licence}, as_of=date(2026, 10, 20))
    top = summary[f"case:{case_id}"]
    assert top is not None and top.label == "satisfied" and not top.late


def test_transitions_emit_events_linked_to_the_case(scope: Scope, licence: str) -> None:
    from vats.store.models import EventRow

    case_id = _open(scope, licence)
    with scope() as s:
        assert s.scalars(select(EventRow)).all() == []  # discovery alone owes nothing
        service.dispose_case(
            s, case_id=case_id, disposed_at=date(2026, 9, 28), action="delete", records_ref="r", today=TODAY
        )
        service.report_case(s, case_id=case_id, reported_at=date(2026, 10, 9), receipt_no="R", today=TODAY)
    with scope() as s:
        rows = s.scalars(select(EventRow).order_by(EventRow.id)).all()
    assert [(r.type, r.date, r.subject, r.licence) for r in rows] == [
        ("illegal_info_disposed", date(2026, 9, 28), f"case:{case_id}", licence),
        ("illegal_info_reported", date(2026, 10, 9), f"case:{case_id}", licence),
    ]


def test_invalid_transitions_are_refused_and_change_nothing(scope: Scope, licence: str) -> None:
    case_id = _open(scope, licence)
    with pytest.raises(TransitionError, match="dispose"), scope() as s:
        service.report_case(s, case_id=case_id, reported_at=date(2026, 10, 1), receipt_no="R", today=TODAY)
    with pytest.raises(TransitionError), scope() as s:
        service.close_case(s, case_id=case_id)
    with scope() as s:
        service.dispose_case(
            s, case_id=case_id, disposed_at=date(2026, 9, 28), action="stop", records_ref="r", today=TODAY
        )
    with pytest.raises(TransitionError, match="disposed"), scope() as s:
        service.dispose_case(
            s, case_id=case_id, disposed_at=date(2026, 9, 29), action="stop", records_ref="r", today=TODAY
        )
    with scope() as s:
        case = service.get_case(s, case_id=case_id)
        assert (case.status, case.disposed_at, case.version) == ("disposed", date(2026, 9, 28), 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"disposed_at": date(2026, 9, 26)}, "disposed_at"),  # before discovery
        ({"disposed_at": date(2026, 12, 1)}, "disposed_at"),  # in the future
        ({"action": "hide"}, "action"),
        ({"records_ref": None}, None),  # records kept but not said where
    ],
)
def test_disposal_validation(
    scope: Scope, licence: str, changes: dict[str, object], field: str | None
) -> None:
    case_id = _open(scope, licence)
    args: dict[str, object] = {"disposed_at": date(2026, 9, 28), "action": "delete", "records_ref": "r"}
    args.update(changes)
    with pytest.raises(InputError) as info, scope() as s:
        service.dispose_case(s, case_id=case_id, today=TODAY, **args)  # type: ignore[arg-type]
    if field:
        assert info.value.field == field
    with scope() as s:
        assert service.get_case(s, case_id=case_id).status == "open"


def test_add_validation(scope: Scope, licence: str) -> None:
    base = dict(
        licence=licence, site="x.com", content_ref="p", category="rumours", discovered_at=date(2026, 9, 1)
    )
    with pytest.raises(InputError, match="unknown value") as info, scope() as s:
        service.add_case(s, **{**base, "category": "spam"}, today=TODAY)  # type: ignore[arg-type]
    assert info.value.field == "category"
    with pytest.raises(InputError) as info, scope() as s:
        service.add_case(s, **{**base, "discovered_at": date(2026, 11, 30)}, today=TODAY)  # type: ignore[arg-type]
    assert info.value.field == "discovered_at"
    with pytest.raises(InputError) as info, scope() as s:
        service.add_case(s, **{**base, "site": "  "}, today=TODAY)  # type: ignore[arg-type]
    assert info.value.field == "site"
    with pytest.raises(NotFoundError, match="imported first") as missing, scope() as s:
        service.add_case(s, **{**base, "licence": "京B2-20990001"}, today=TODAY)  # type: ignore[arg-type]
    assert missing.value.field == "licence"


def test_stale_expected_version_is_a_conflict(scope: Scope, licence: str) -> None:
    case_id = _open(scope, licence)
    with pytest.raises(ConflictError, match="version"), scope() as s:
        service.dispose_case(
            s,
            case_id=case_id,
            disposed_at=date(2026, 9, 28),
            action="stop",
            records_ref="r",
            expected_version=7,
            today=TODAY,
        )
    with scope() as s:
        case = service.dispose_case(
            s,
            case_id=case_id,
            disposed_at=date(2026, 9, 28),
            action="stop",
            records_ref="r",
            expected_version=1,
            today=TODAY,
        )
        assert case.version == 2


def test_concurrent_writers_second_commit_conflicts(scope: Scope, licence: str) -> None:
    case_id = _open(scope, licence)
    with pytest.raises(ConflictError), scope() as first:
        case = service.get_case(first, case_id=case_id)  # first reads version 1 …
        with scope() as second:  # … someone else disposes and commits
            service.dispose_case(
                second,
                case_id=case_id,
                disposed_at=date(2026, 9, 28),
                action="stop",
                records_ref="r",
                today=TODAY,
            )
        case.note = "edited on a stale copy"  # flush: UPDATE … WHERE version = 1 matches nothing


def test_list_filters_and_paginates(scope: Scope, licence: str) -> None:
    from vats.registers.cases.schemas import CaseFilters
    from vats.store.listing import Page

    ids = [_open(scope, licence, discovered=date(2026, 9, d)) for d in (1, 2, 3)]
    with scope() as s:
        service.dispose_case(
            s, case_id=ids[0], disposed_at=date(2026, 9, 5), action="stop", records_ref="r", today=TODAY
        )
    with scope() as s:
        page = service.list_cases(s, page=Page(1, 2))
        assert page.total == 3 and [c.id for c in page.items] == [ids[2], ids[1]]
        assert [c.id for c in service.list_cases(s, filters=CaseFilters(status="disposed"))] == [ids[0]]
        assert service.list_cases(s, filters=CaseFilters(open_only=True)).total == 3
        assert service.list_cases(s, filters=CaseFilters(licence="京B2-1")).total == 0
        with pytest.raises(InputError, match="unknown status"):
            service.list_cases(s, filters=CaseFilters(status="done"))


def test_audit_trail_records_each_change(scope: Scope, licence: str) -> None:
    from vats.store.auditlog import AuditEntry

    case_id = _open(scope, licence)
    with scope() as s:
        service.dispose_case(
            s, case_id=case_id, disposed_at=date(2026, 9, 28), action="stop", records_ref="r", today=TODAY
        )
    with scope() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.entity == "disposal_cases", AuditEntry.entity_id == str(case_id))
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(r) for r in rows] == [("insert", "tester"), ("update", "tester")]
