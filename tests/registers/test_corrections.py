"""Correcting register records: values validated like the actions', deadlines follow the corrected
dates (the wrong event retracted, the right one recorded), every correction kept with its reason."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from vats.model.errors import ConflictError, InputError
from vats.registers.corrections import correct_record

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def _events(s: Session, subject: str) -> list[tuple[str, date, dict]]:
    from vats.rules.engine import without_retracted
    from vats.store.events import list_events

    return [(e.type, e.date, dict(e.fields)) for e in without_retracted(list_events(s, subject=subject))]


def _disposed_case(scope: Scope, licence: str) -> int:
    from vats.registers.cases import service

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
            records_ref="box 1",
            today=TODAY,
        )
        return case.id


def test_a_corrected_disposal_date_moves_the_report_deadline(scope: Scope, licence: str) -> None:
    from vats.registers.events import obligations_for

    case_id = _disposed_case(scope, licence)
    subject = f"case:{case_id}"

    def due() -> list[date | None]:
        with scope() as s:
            found = obligations_for(s, subjects={subject: licence}, as_of=TODAY)[subject]
        return [o.due_date for o in found if o.rule_id == "illegal_info.report"]

    assert due() == [date(2026, 10, 16)]
    with scope() as s:
        case = correct_record(
            s,
            register="cases",
            record_id=case_id,
            changes={"disposed_at": "2026-10-09"},
            reason="处置日期录入错误",
            expected_version=2,
            today=TODAY,
        )
        assert case.disposed_at == date(2026, 10, 9) and case.version == 3
    assert due() == [date(2026, 10, 22)]  # ten working days after 10-09 (10-10 is a make-up day)
    with scope() as s:
        events = _events(s, subject)
        from vats.store.events import list_events

        history = [(e.type, dict(e.fields).get("reason")) for e in list_events(s, subject=subject)]
    assert [(t, d) for t, d, _f in events] == [
        ("illegal_info_disposed", date(2026, 10, 9)),
        ("record_corrected", TODAY),
    ]
    assert ("event_retracted", "处置日期录入错误") in history  # the wrong event stays, retracted
    assert events[1][2]["fields_changed"] == "disposed_at"


def test_a_second_correction_keeps_the_first_ones_history(scope: Scope, licence: str) -> None:
    case_id = _disposed_case(scope, licence)
    with scope() as s:
        correct_record(
            s,
            register="case",
            record_id=case_id,
            changes={"content_ref": "post/2"},
            reason="链接有误",
            today=TODAY,
        )
    with scope() as s:
        correct_record(
            s,
            register="case",
            record_id=case_id,
            changes={"disposed_at": date(2026, 9, 29)},
            reason="日期有误",
            today=TODAY,
        )
        events = _events(s, f"case:{case_id}")
    assert [t for t, _d, _f in events] == ["illegal_info_disposed", "record_corrected", "record_corrected"]
    assert events[0][1] == date(2026, 9, 29)


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"nope": "x"}, "r", "nope"),
        ({"licence": "京B2-20990001"}, "r", "licence"),  # a different licence is a new record
        ({"reported_at": "2026-10-20"}, "r", "reported_at"),  # not reported yet: the action records it
        ({"disposed_at": "2026-10-09"}, "  ", "reason"),
        ({}, "r", "changes"),
        ({"disposed_at": "2026-12-01"}, "r", "disposed_at"),  # in the future
        ({"disposed_at": "2026-09-20"}, "r", "disposed_at"),  # before its discovery
        ({"discovered_at": "2026-09-30"}, "r", "discovered_at"),  # after its disposal
        ({"category": "no-such-category"}, "r", "category"),  # the vocabulary, as when adding
        ({"disposed_at": "2026-09-28"}, "r", "changes"),  # nothing changes
    ],
)
def test_bad_corrections_name_the_field_and_change_nothing(
    scope: Scope, licence: str, changes: dict, reason: str, field: str
) -> None:
    case_id = _disposed_case(scope, licence)
    with pytest.raises(InputError) as caught, scope() as s:
        correct_record(s, register="cases", record_id=case_id, changes=changes, reason=reason, today=TODAY)
    assert caught.value.field == field, caught.value.describe()
    with scope() as s:
        assert [t for t, _d, _f in _events(s, f"case:{case_id}")] == ["illegal_info_disposed"]


def test_stale_version_is_a_conflict(scope: Scope, licence: str) -> None:
    case_id = _disposed_case(scope, licence)
    with pytest.raises(ConflictError), scope() as s:
        correct_record(
            s,
            register="cases",
            record_id=case_id,
            changes={"content_ref": "x"},
            reason="r",
            expected_version=1,
        )


def test_incident_start_and_severity_and_entity_change_effective_date(scope: Scope, licence: str) -> None:
    """Datetimes are Beijing time like the actions'; event fields (severity, effective date) follow too."""
    from vats.registers.changes import service as changes
    from vats.registers.incidents import service as incidents

    with scope() as s:
        incident = incidents.add_incident(
            s,
            licence=licence,
            kind="outage",
            severity="major",
            title="机房断电",
            started_at=datetime(2026, 11, 20, 23, 30),
            today=TODAY,
        )
        change = changes.add_change(
            s,
            licence=licence,
            kind="merger",
            decided_at=date(2026, 11, 2),
            effective_at=date(2027, 3, 1),
            today=TODAY,
        )
        ids = incident.id, change.id
    with scope() as s:
        correct_record(
            s,
            register="incidents",
            record_id=ids[0],
            changes={"started_at": "2026-11-21T00:30", "severity": "critical"},
            reason="时间与等级更正",
            today=TODAY,
        )
        correct_record(
            s,
            register="changes",
            record_id=ids[1],
            changes={"effective_at": "2027-04-01"},
            reason="生效日推迟",
            today=TODAY,
        )
        occurred = [e for e in _events(s, f"incident:{ids[0]}") if e[0] == "incident_occurred"]
        decided = [e for e in _events(s, f"change:{ids[1]}") if e[0] == "entity_change_decided"]
    assert [(d, f["severity"]) for _t, d, f in occurred] == [(date(2026, 11, 21), "critical")]
    assert [f["effective_date"] for _t, _d, f in decided] == [date(2027, 4, 1)]
