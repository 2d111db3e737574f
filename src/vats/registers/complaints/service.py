"""Complaints: receipt starts the 15-day reply clock (`complaint_received`), the reply stops it
(`complaint_replied`); the rules engine owns the arithmetic."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from vats.model import clock
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
from vats.registers.complaints import MACHINE
from vats.registers.complaints.models import Complaint
from vats.registers.complaints.schemas import ComplaintCreate, ComplaintFilters, ComplaintReply
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.store.listing import ListResult, Page


def add_complaint(
    session: Session,
    *,
    licence: str,
    received_at: date,
    channel: str,
    topic: str,
    complainant_ref: str,
    summary: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Complaint:
    """Register a complaint as received (emits `complaint_received`)."""
    data = parse_input(
        ComplaintCreate,
        dict(
            licence=licence,
            received_at=received_at,
            channel=channel,
            topic=topic,
            complainant_ref=complainant_ref,
            summary=summary,
            note=note,
        ),
    )
    not_future(data.received_at, field="received_at", today=today or clock.today())
    ref = resolve_licence(session, data.licence)
    complaint = Complaint(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        received_at=data.received_at,
        channel=data.channel,
        topic=data.topic,
        complainant_ref=data.complainant_ref,
        summary=data.summary,
        note=data.note,
    )
    session.add(complaint)
    session.flush()
    sync_events(session, complaint, implied_events)
    return complaint


def implied_events(complaint: Complaint) -> list[Implied]:
    """Receipt (starts the 15-day reply clock, with its channel) and, once given, the reply."""
    out = [Implied("complaint_received", complaint.received_at, {"channel": complaint.channel})]
    if complaint.replied_at is not None:
        out.append(Implied("complaint_replied", complaint.replied_at))
    return out


CORRECTIONS = Corrections(
    schemas=(ComplaintCreate, ComplaintReply),
    implied=implied_events,
    order=(("replied_at", "received_at", "收到日期 receipt"),),
)


def get_complaint(session: Session, *, complaint_id: int) -> Complaint:
    return get_or_raise(session, Complaint, complaint_id)


def reply_complaint(
    session: Session,
    *,
    complaint_id: int,
    replied_at: date,
    reply_ref: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Complaint:
    """Record the reply to the complainant (emits `complaint_replied`)."""
    data = parse_input(ComplaintReply, dict(replied_at=replied_at, reply_ref=reply_ref))
    complaint = get_complaint(session, complaint_id=complaint_id)
    status = next_state(complaint, MACHINE, "reply", expected_version=expected_version)
    not_future(data.replied_at, field="replied_at", today=today or clock.today())
    not_before(data.replied_at, complaint.received_at, field="replied_at", earlier_name="收到日期 receipt")
    complaint.status = status
    complaint.replied_at = data.replied_at
    complaint.reply_ref = data.reply_ref
    sync_events(session, complaint, implied_events)
    session.flush()
    return complaint


def close_complaint(session: Session, *, complaint_id: int, expected_version: int | None = None) -> Complaint:
    complaint = get_complaint(session, complaint_id=complaint_id)
    complaint.status = next_state(complaint, MACHINE, "close", expected_version=expected_version)
    session.flush()
    return complaint


def list_complaints(
    session: Session, *, filters: ComplaintFilters | None = None, page: Page | None = None
) -> ListResult[Complaint]:
    f = filters or ComplaintFilters()
    where = common_filters(
        Complaint, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE
    )
    if f.channel:
        where.append(Complaint.channel == f.channel)
    return list_records(session, Complaint, where=where, page=page, order_by=[Complaint.received_at.desc()])
