"""ICS export: parses back, stable UIDs, updates bump SEQUENCE instead of duplicating, alarms, all-day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from factories import NUMBER, make_reference
from vats.model.obligations import Event, ObligationStatus
from vats.report.ics import obligations_to_ics, parse_alarms, uid_for
from vats.rules.engine import evaluate

AS_OF = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
DISPOSED = Event(
    "illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, id="c42", fields={"subject": "case:42"}
)


def _events(data: bytes) -> dict[str, object]:
    return {str(ev["uid"]): ev for ev in Calendar.from_ical(data).walk("VEVENT")}


def test_round_trip_one_all_day_event_per_dated_obligation() -> None:
    obligations = evaluate([make_reference()], [DISPOSED], AS_OF).obligations
    data = obligations_to_ics(obligations, now=NOW)
    parsed = Calendar.from_ical(data)
    assert str(parsed["version"]) == "2.0" and "vats" in str(parsed["prodid"])
    dated = [o for o in obligations if o.due_date and o.status is not ObligationStatus.NOT_APPLICABLE]
    events = _events(data)
    assert set(events) == {uid_for(o) for o in dated}
    report = events[uid_for(next(o for o in dated if o.rule_id == "illegal_info.report"))]
    assert report.decoded("dtstart") == date(2026, 10, 16)  # type: ignore[attr-defined]
    assert report.decoded("dtend") == date(2026, 10, 17)  # type: ignore[attr-defined]
    assert "违法信息处置上报" in str(report["summary"])  # type: ignore[index]
    assert "Report the disposal" in str(report["description"])  # type: ignore[index]
    triggers = sorted(a.decoded("trigger") for a in report.walk("VALARM"))  # type: ignore[attr-defined]
    assert triggers == [timedelta(days=-30), timedelta(days=-7), timedelta(days=-1)]


def test_reexport_updates_instead_of_duplicating() -> None:
    lic = make_reference()
    first = obligations_to_ics(evaluate([lic], [DISPOSED], AS_OF).obligations, now=NOW)
    same = obligations_to_ics(
        evaluate([lic], [DISPOSED], AS_OF).obligations, now=NOW + timedelta(days=1), previous=first
    )
    reported = Event("illegal_info_reported", date(2026, 10, 12), fields={"subject": "case:42"})
    changed = obligations_to_ics(
        evaluate([lic], [DISPOSED, reported], AS_OF).obligations, now=NOW + timedelta(days=2), previous=same
    )
    a, b, c = _events(first), _events(same), _events(changed)
    assert set(a) == set(b) == set(c)
    key = uid_for(
        next(o for o in evaluate([lic], [DISPOSED], AS_OF).obligations if o.rule_id == "illegal_info.report")
    )
    assert int(a[key]["sequence"]) == 0 and int(b[key]["sequence"]) == 0  # type: ignore[index]
    assert b[key]["last-modified"].dt == NOW  # type: ignore[index]
    assert int(c[key]["sequence"]) == 1  # type: ignore[index]
    assert c[key]["last-modified"].dt == NOW + timedelta(days=2)  # type: ignore[index]
    assert not list(c[key].walk("VALARM"))  # type: ignore[attr-defined]  # satisfied: no reminders


def test_uid_is_stable_and_key_based() -> None:
    o = evaluate([make_reference()], [], AS_OF).obligations[0]
    assert uid_for(o) == uid_for(replace(o, status=ObligationStatus.SATISFIED))
    assert uid_for(o) != uid_for(replace(o, subject="other"))


def test_custom_and_no_alarms() -> None:
    obligations = evaluate([make_reference()], [DISPOSED], AS_OF).obligations
    none = obligations_to_ics(obligations, now=NOW, alarms=())
    assert b"BEGIN:VALARM" not in none
    assert parse_alarms("14, 3") == (14, 3) and parse_alarms("") == ()
