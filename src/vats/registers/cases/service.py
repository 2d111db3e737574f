"""Disposal cases: record a find, its disposal and the report to the regulator.

State machine: open --dispose--> disposed --report--> reported --close--> closed.
Disposing records `illegal_info_disposed` and reporting records `illegal_info_reported`; the rules
engine derives the "report within 10 working days of disposal" deadline (licence provision 九) from
that pair, so this module never counts days itself.
"""

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
from vats.registers.cases import MACHINE
from vats.registers.cases.models import DisposalCase
from vats.registers.cases.schemas import CaseCreate, CaseDispose, CaseFilters, CaseReport
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.store.listing import ListResult, Page


def add_case(
    session: Session,
    *,
    licence: str,
    site: str,
    content_ref: str,
    category: str,
    discovered_at: date,
    note: str | None = None,
    today: date | None = None,
) -> DisposalCase:
    """Open a case for content found on one of the licensee's sites."""
    data = parse_input(
        CaseCreate,
        dict(
            licence=licence,
            site=site,
            content_ref=content_ref,
            category=category,
            discovered_at=discovered_at,
            note=note,
        ),
    )
    not_future(data.discovered_at, field="discovered_at", today=today or clock.today())
    ref = resolve_licence(session, data.licence)
    case = DisposalCase(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        site=data.site,
        content_ref=data.content_ref,
        category=data.category,
        discovered_at=data.discovered_at,
        note=data.note,
    )
    session.add(case)
    session.flush()
    return case


def implied_events(case: DisposalCase) -> list[Implied]:
    """The events a case's recorded dates imply: disposal (starts the 10 working days) and report."""
    out = []
    if case.disposed_at is not None:
        out.append(Implied("illegal_info_disposed", case.disposed_at))
    if case.reported_at is not None:
        out.append(Implied("illegal_info_reported", case.reported_at))
    return out


CORRECTIONS = Corrections(
    schemas=(CaseCreate, CaseDispose, CaseReport),
    implied=implied_events,
    order=(
        ("disposed_at", "discovered_at", "发现日期 discovery"),
        ("reported_at", "disposed_at", "处置日期 disposal"),
    ),
)


def get_case(session: Session, *, case_id: int) -> DisposalCase:
    return get_or_raise(session, DisposalCase, case_id)


def dispose_case(
    session: Session,
    *,
    case_id: int,
    disposed_at: date,
    action: str,
    records_kept: bool = True,
    records_ref: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> DisposalCase:
    """Record the disposal (stop or delete) and the records kept; starts the 10-working-day clock."""
    data = parse_input(
        CaseDispose,
        dict(disposed_at=disposed_at, action=action, records_kept=records_kept, records_ref=records_ref),
    )
    case = get_case(session, case_id=case_id)
    status = next_state(case, MACHINE, "dispose", expected_version=expected_version)
    not_future(data.disposed_at, field="disposed_at", today=today or clock.today())
    not_before(data.disposed_at, case.discovered_at, field="disposed_at", earlier_name="发现日期 discovery")
    case.status = status
    case.disposed_at = data.disposed_at
    case.action = data.action
    case.records_kept = data.records_kept
    case.records_ref = data.records_ref
    sync_events(session, case, implied_events)
    session.flush()
    return case


def report_case(
    session: Session,
    *,
    case_id: int,
    reported_at: date,
    receipt_no: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> DisposalCase:
    """Record the report to the telecom authority and its receipt number (satisfies the deadline)."""
    data = parse_input(CaseReport, dict(reported_at=reported_at, receipt_no=receipt_no))
    case = get_case(session, case_id=case_id)
    status = next_state(case, MACHINE, "report", expected_version=expected_version)
    not_future(data.reported_at, field="reported_at", today=today or clock.today())
    assert case.disposed_at is not None  # guaranteed by the state machine
    not_before(data.reported_at, case.disposed_at, field="reported_at", earlier_name="处置日期 disposal")
    case.status = status
    case.reported_at = data.reported_at
    case.receipt_no = data.receipt_no
    sync_events(session, case, implied_events)
    session.flush()
    return case


def close_case(session: Session, *, case_id: int, expected_version: int | None = None) -> DisposalCase:
    """Close a reported case (nothing further is owed)."""
    case = get_case(session, case_id=case_id)
    case.status = next_state(case, MACHINE, "close", expected_version=expected_version)
    session.flush()
    return case


def list_cases(
    session: Session, *, filters: CaseFilters | None = None, page: Page | None = None
) -> ListResult[DisposalCase]:
    f = filters or CaseFilters()
    where = common_filters(
        DisposalCase, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE
    )
    if f.category:
        where.append(DisposalCase.category == f.category)
    return list_records(
        session, DisposalCase, where=where, page=page, order_by=[DisposalCase.discovered_at.desc()]
    )
