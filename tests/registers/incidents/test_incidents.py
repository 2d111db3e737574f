"""Incidents: report immediately (engine), containment once, follow-ups, closing needs containment."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.cli.main import cli
from vats.model.clock import as_utc
from vats.model.errors import InputError
from vats.registers.incidents import service
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)
T0 = datetime(2026, 9, 28, 23, 30)  # Beijing time, no zone given


def test_lifecycle_events_and_times(scope: Scope, licence: str) -> None:
    from vats.store.models import EventRow

    with scope() as s:
        inc = service.add_incident(
            s,
            licence=licence,
            kind="pi_leak",
            severity="major",
            title="leak",
            started_at=T0,
            affected_users=120_000,
            today=TODAY,
        )
        iid = inc.id
    with pytest.raises(TransitionError), scope() as s:
        service.follow_up_incident(s, incident_id=iid, at=T0 + timedelta(hours=2), note="n", today=TODAY)
    with scope() as s:
        service.contain_incident(s, incident_id=iid, contained_at=T0 + timedelta(hours=1), today=TODAY)
    with pytest.raises(TransitionError, match="containment"), scope() as s:
        service.contain_incident(s, incident_id=iid, contained_at=T0 + timedelta(hours=2), today=TODAY)
    with pytest.raises(InputError) as info, scope() as s:
        service.report_incident(s, incident_id=iid, reported_at=T0 - timedelta(hours=1), today=TODAY)
    assert info.value.field == "reported_at"
    with scope() as s:
        service.report_incident(
            s, incident_id=iid, reported_at=T0 + timedelta(hours=3), report_ref="CA-1", today=TODAY
        )
        service.follow_up_incident(
            s, incident_id=iid, at=T0 + timedelta(days=2), note="root cause", today=TODAY
        )
        assert service.close_incident(s, incident_id=iid).status == "closed"
    with scope() as s:
        inc = service.get_incident(s, incident_id=iid)
        rows = s.execute(select(EventRow.type, EventRow.date).order_by(EventRow.id)).all()
        assert [f["note"] for f in inc.follow_ups] == ["root cause"]
        assert as_utc(inc.started_at) == T0.replace(tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)
    # 23:30 Beijing on 09-28 is 15:30 UTC the same day; reported 02:30 on 09-29 Beijing
    assert [tuple(r) for r in rows] == [
        ("incident_occurred", date(2026, 9, 28)),
        ("incident_reported", date(2026, 9, 29)),
    ]


def test_close_needs_containment(scope: Scope, licence: str) -> None:
    with scope() as s:
        iid = service.add_incident(
            s, licence=licence, kind="outage", severity="minor", title="down", started_at=T0, today=TODAY
        ).id
        service.report_incident(s, incident_id=iid, reported_at=T0 + timedelta(hours=1), today=TODAY)
    with pytest.raises(TransitionError, match="containment"), scope() as s:
        service.close_incident(s, incident_id=iid)


def test_cli_round_trip_shows_report_obligation(db_url: str, licence: str) -> None:
    def run(*args: str) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["incident", *args, "--db", db_url, "--json"])
        assert r.exit_code == 0, (r.output, r.exception)
        out: dict[str, object] = json.loads(r.stdout)
        return out

    inc = run(
        "add",
        "--licence",
        licence,
        "--kind",
        "outage",
        "--severity",
        "major",
        "--title",
        "机房断电",
        "--started-at",
        "2026-09-28 10:00",
    )
    assert inc["status"] == "open"
    run("report", str(inc["id"]), "--at", "2026-09-28 11:00", "--report-ref", "CA-9")
    (item,) = run("list", "--as-of", "2026-09-30")["items"]  # type: ignore[misc]
    assert item["status"] == "reported" and item["due"]["status"] == "satisfied"


def test_discovery_time_sets_a_due_time_in_hours(db_url: str, licence: str) -> None:
    def run(*args: str) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["incident", *args, "--db", db_url, "--json"])
        assert r.exit_code == 0, (r.output, r.exception)
        out: dict[str, object] = json.loads(r.stdout)
        return out

    inc = run(
        "add",
        "--licence",
        licence,
        "--kind",
        "outage",
        "--severity",
        "major",
        "--title",
        "机房断电",
        "--started-at",
        "2026-09-28 08:40",
        "--discovered-at",
        "2026-09-28 09:15",
    )
    assert str(inc["discovered_at"]).startswith("2026-09-28T01:15")  # stored as UTC
    (item,) = run("list", "--as-of", "2026-09-28")["items"]  # type: ignore[misc]
    assert item["due"]["due_at"] == "2026-09-29T09:15+08:00"  # type: ignore[index]
    # reported after the 24 hours, though on the day the date-only reading would accept
    run("report", str(inc["id"]), "--at", "2026-09-29 10:00")
    (done,) = run("list", "--as-of", "2026-09-30")["items"]  # type: ignore[misc]
    assert done["due"]["status"] == "late"  # type: ignore[index]


def test_discovery_before_the_start_is_refused(scope: Scope, licence: str) -> None:
    with pytest.raises(InputError) as info, scope() as s:
        service.add_incident(
            s,
            licence=licence,
            kind="outage",
            severity="major",
            title="x",
            started_at=T0,
            discovered_at=T0 - timedelta(minutes=5),
            today=TODAY,
        )
    assert info.value.field == "discovered_at"
