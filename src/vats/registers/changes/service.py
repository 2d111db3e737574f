"""Corporate changes. Recording a change emits its kind's trigger (`entity_change_decided`,
`registration_changed` or `local_org_changed`, see vocab.yaml); filing the application emits
`change_application_filed` / `local_org_change_reported`. The obligations engine derives both the
"30 days after the decision" and the "90 days before it takes effect" deadlines from them."""

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
from vats.registers.changes import MACHINE
from vats.registers.changes.models import CorporateChange
from vats.registers.changes.schemas import ChangeCreate, ChangeFile, ChangeFilters
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.registers.vocab import Term, vocabulary
from vats.store.listing import ListResult, Page


def _term(change: CorporateChange) -> Term:
    return vocabulary().term("change_kinds", change.kind, field="kind")


def trigger_date(change: CorporateChange) -> date:
    """The date the application clock starts on (decision or registration, per the kind)."""
    basis = _term(change).date_basis
    start = change.decided_at if basis == "decision" else change.registered_at
    assert start is not None  # ChangeCreate requires the date the kind needs
    return start


def implied_events(change: CorporateChange) -> list[Implied]:
    """The kind's trigger event (on its decision or registration date; entity changes carry the date
    they take effect, which starts the "90 days before" clock) and, once filed, the filing."""
    term, out = _term(change), []
    if term.event:
        fields: dict[str, object] = {}
        if term.event in ("entity_change_decided", "registration_changed"):
            fields["change_kind"] = change.kind
        if term.event == "entity_change_decided":
            fields["effective_date"] = change.effective_at
        out.append(Implied(term.event, trigger_date(change), fields))
    if change.filed_at is not None and term.done_event:
        out.append(Implied(term.done_event, change.filed_at))
    return out


CORRECTIONS = Corrections(
    schemas=(ChangeCreate, ChangeFile),
    implied=implied_events,
    may_be_future=("effective_at",),
    order=(
        ("effective_at", "decided_at", "决定日期 decision"),
        (
            "filed_at",
            lambda change: "decided_at" if _term(change).date_basis == "decision" else "registered_at",
            "变更日期 change date",
        ),
    ),
)


def add_change(
    session: Session,
    *,
    licence: str,
    kind: str,
    decided_at: date | None = None,
    registered_at: date | None = None,
    effective_at: date | None = None,
    description: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> CorporateChange:
    """Record a decided or registered change (emits the kind's trigger event)."""
    data = parse_input(
        ChangeCreate,
        dict(
            licence=licence,
            kind=kind,
            decided_at=decided_at,
            registered_at=registered_at,
            effective_at=effective_at,
            description=description,
            note=note,
        ),
    )
    day = today or clock.today()
    for name in ("decided_at", "registered_at"):
        value = getattr(data, name)
        if value is not None:
            not_future(value, field=name, today=day)
    if data.effective_at is not None and data.decided_at is not None:
        not_before(data.effective_at, data.decided_at, field="effective_at", earlier_name="决定日期 decision")
    ref = resolve_licence(session, data.licence)
    change = CorporateChange(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        kind=data.kind,
        decided_at=data.decided_at,
        registered_at=data.registered_at,
        effective_at=data.effective_at,
        description=data.description,
        note=data.note,
    )
    session.add(change)
    session.flush()
    sync_events(session, change, implied_events)
    return change


def get_change(session: Session, *, change_id: int) -> CorporateChange:
    return get_or_raise(session, CorporateChange, change_id)


def file_change(
    session: Session,
    *,
    change_id: int,
    filed_at: date,
    receipt_no: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> CorporateChange:
    """Record the application (or report) filed with the issuing authority."""
    data = parse_input(ChangeFile, dict(filed_at=filed_at, receipt_no=receipt_no))
    change = get_change(session, change_id=change_id)
    status = next_state(change, MACHINE, "file", expected_version=expected_version)
    not_future(data.filed_at, field="filed_at", today=today or clock.today())
    not_before(data.filed_at, trigger_date(change), field="filed_at", earlier_name="变更日期 change date")
    change.status = status
    change.filed_at = data.filed_at
    change.receipt_no = data.receipt_no
    sync_events(session, change, implied_events)
    session.flush()
    return change


def close_change(session: Session, *, change_id: int, expected_version: int | None = None) -> CorporateChange:
    """Close a filed change (approved, or nothing more to do)."""
    change = get_change(session, change_id=change_id)
    change.status = next_state(change, MACHINE, "close", expected_version=expected_version)
    session.flush()
    return change


def list_changes(
    session: Session, *, filters: ChangeFilters | None = None, page: Page | None = None
) -> ListResult[CorporateChange]:
    f = filters or ChangeFilters()
    where = common_filters(
        CorporateChange, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE
    )
    if f.kind:
        where.append(CorporateChange.kind == f.kind)
    return list_records(session, CorporateChange, where=where, page=page)
