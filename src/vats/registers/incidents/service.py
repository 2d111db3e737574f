"""Incidents: the start records `incident_occurred`, the first report `incident_reported`; the rules
engine decides what "immediately" means (a configurable number of hours). Containment and follow-up
reports are kept on the record for the inspector; they trigger no deadline of their own."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.clock import minute_iso
from vats.registers.base import (
    common_filters,
    get_or_raise,
    list_records,
    next_state,
    not_before,
    not_future,
    parse_input,
    resolve_licence,
)
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.registers.incidents import MACHINE
from vats.registers.incidents.models import Incident
from vats.registers.incidents.schemas import (
    IncidentContain,
    IncidentCreate,
    IncidentFilters,
    IncidentFollowUp,
    IncidentReport,
)
from vats.registers.states import TransitionError
from vats.store.listing import ListResult, Page


def add_incident(
    session: Session,
    *,
    licence: str,
    kind: str,
    severity: str,
    title: str,
    started_at: datetime,
    discovered_at: datetime | None = None,
    affected_users: int | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Incident:
    """Register an incident (emits `incident_occurred` on its Beijing start date, with the Beijing
    times of occurrence and discovery: the report is due a number of hours after discovery)."""
    data = parse_input(
        IncidentCreate,
        dict(
            licence=licence,
            kind=kind,
            severity=severity,
            title=title,
            started_at=started_at,
            discovered_at=discovered_at,
            affected_users=affected_users,
            note=note,
        ),
    )
    started = clock.assume_beijing(data.started_at)
    not_future(started, field="started_at", today=today or clock.today())
    discovered = None if data.discovered_at is None else clock.assume_beijing(data.discovered_at)
    if discovered is not None:
        not_future(discovered, field="discovered_at", today=today or clock.today())
        not_before(discovered, started, field="discovered_at", earlier_name="发生时间 start")
    ref = resolve_licence(session, data.licence)
    incident = Incident(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        kind=data.kind,
        severity=data.severity,
        title=data.title,
        affected_users=data.affected_users,
        started_at=started,
        discovered_at=discovered,
        follow_ups=[],
        note=data.note,
    )
    session.add(incident)
    session.flush()
    sync_events(session, incident, implied_events)
    return incident


def implied_events(incident: Incident) -> list[Implied]:
    """Occurrence (severity, Beijing times of occurrence and discovery) and, once made, the report
    (its Beijing time); on their Beijing dates. Without a discovery time the start counts as found."""
    found = incident.discovered_at or incident.started_at
    occurred = {
        "severity": incident.severity,
        "occurred_at": minute_iso(incident.started_at),
        "discovered_at": minute_iso(found),
    }
    out = [Implied("incident_occurred", clock.china_date(incident.started_at), occurred)]
    if incident.reported_at is not None:
        reported = {"reported_at": minute_iso(incident.reported_at)}
        out.append(Implied("incident_reported", clock.china_date(incident.reported_at), reported))
    return out


CORRECTIONS = Corrections(
    schemas=(IncidentCreate, IncidentContain, IncidentReport),
    implied=implied_events,
    order=(
        ("discovered_at", "started_at", "发生时间 start"),
        ("contained_at", "started_at", "发生时间 start"),
        ("reported_at", "started_at", "发生时间 start"),
    ),
)


def get_incident(session: Session, *, incident_id: int) -> Incident:
    return get_or_raise(session, Incident, incident_id)


def contain_incident(
    session: Session,
    *,
    incident_id: int,
    contained_at: datetime,
    expected_version: int | None = None,
    today: date | None = None,
) -> Incident:
    """Record when the incident was brought under control (once)."""
    data = parse_input(IncidentContain, dict(contained_at=contained_at))
    incident = get_incident(session, incident_id=incident_id)
    status = next_state(incident, MACHINE, "contain", expected_version=expected_version)
    if incident.contained_at is not None:
        raise TransitionError("事件已登记控制时间 / containment already recorded", field="contained_at")
    when = clock.assume_beijing(data.contained_at)
    not_future(when, field="contained_at", today=today or clock.today())
    not_before(when, incident.started_at, field="contained_at", earlier_name="发生时间 start")
    incident.status = status
    incident.contained_at = when
    session.flush()
    return incident


def report_incident(
    session: Session,
    *,
    incident_id: int,
    reported_at: datetime,
    report_ref: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Incident:
    """Record the first report to the telecom authority (emits `incident_reported`)."""
    data = parse_input(IncidentReport, dict(reported_at=reported_at, report_ref=report_ref))
    incident = get_incident(session, incident_id=incident_id)
    status = next_state(incident, MACHINE, "report", expected_version=expected_version)
    when = clock.assume_beijing(data.reported_at)
    not_future(when, field="reported_at", today=today or clock.today())
    not_before(when, incident.started_at, field="reported_at", earlier_name="发生时间 start")
    incident.status = status
    incident.reported_at = when
    incident.report_ref = data.report_ref
    sync_events(session, incident, implied_events)
    session.flush()
    return incident


def follow_up_incident(
    session: Session,
    *,
    incident_id: int,
    at: datetime,
    note: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Incident:
    """Append a follow-up report (the authority may ask for progress until the incident is closed)."""
    data = parse_input(IncidentFollowUp, dict(at=at, note=note))
    incident = get_incident(session, incident_id=incident_id)
    status = next_state(incident, MACHINE, "follow_up", expected_version=expected_version)
    when = clock.assume_beijing(data.at)
    not_future(when, field="at", today=today or clock.today())
    assert incident.reported_at is not None  # the machine allows follow-ups only once reported
    not_before(when, incident.reported_at, field="at", earlier_name="首次报告 first report")
    incident.status = status
    # a new list, so SQLAlchemy sees the change (JSON columns are not mutation-tracked)
    incident.follow_ups = [*incident.follow_ups, {"at": when.isoformat(), "note": data.note}]
    session.flush()
    return incident


def close_incident(session: Session, *, incident_id: int, expected_version: int | None = None) -> Incident:
    """Close a reported incident; refused until containment is recorded."""
    incident = get_incident(session, incident_id=incident_id)
    status = next_state(incident, MACHINE, "close", expected_version=expected_version)
    if incident.contained_at is None:
        raise TransitionError("请先登记控制时间 / record containment before closing", field="contained_at")
    incident.status = status
    session.flush()
    return incident


def list_incidents(
    session: Session, *, filters: IncidentFilters | None = None, page: Page | None = None
) -> ListResult[Incident]:
    f = filters or IncidentFilters()
    where = common_filters(
        Incident, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE
    )
    if f.kind:
        where.append(Incident.kind == f.kind)
    return list_records(session, Incident, where=where, page=page, order_by=[Incident.started_at.desc()])
