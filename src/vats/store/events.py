"""Stored events: the domain `Event` in, the domain `Event` out.

`subject` (fields["subject"], e.g. "case:42") is copied into its own indexed column, and
`source_register` / `source_record` are derived from it, so "which events belong to this record" is
one indexed query.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from vats.model.obligations import Event
from vats.rules.events import typed_fields
from vats.store.audit import plain
from vats.store.models import EventRow, LicenceRecord

if TYPE_CHECKING:
    from vats.model.licence import Licence


def record_event(session: Session, *, event: Event, organisation_id: int | None = None) -> EventRow:
    """Persist one event (in the caller's transaction; audited like every other write)."""
    if organisation_id is None and event.licence is not None:
        organisation_id = session.scalar(
            select(LicenceRecord.organisation_id).where(LicenceRecord.number == event.licence)
        )
    row = event_row(event, organisation_id=organisation_id)
    session.add(row)
    session.flush()
    return row


def event_row(event: Event, *, organisation_id: int | None) -> EventRow:
    """The row of one event, not yet added: a writer storing many events adds them together, so one
    flush (and one audit append) covers all of them."""
    fields = plain(dict(event.fields))
    subject = fields.get("subject")
    register, _, record = str(subject).partition(":") if subject else (None, None, None)
    return EventRow(
        type=event.type,
        date=event.date,
        licence=event.licence,
        organisation_id=organisation_id,
        event_key=event.id,
        subject=str(subject)[:200] if subject is not None else None,
        fields=fields,
        source_register=register[:40] if register and record else None,
        source_record=record[:64] if record else None,
    )


def to_event(row: EventRow | Any) -> Event:
    """The domain event of a stored row (or of a Core row with the same columns)."""
    fields = typed_fields(row.type, row.fields or {})
    return Event(
        type=row.type,
        date=row.date if isinstance(row.date, date) else date.fromisoformat(str(row.date)),
        licence=row.licence,
        id=row.event_key or f"event:{row.id}",
        fields=MappingProxyType(fields),
    )


def events_query(*, licences: Collection[str] | None = None, include_shared: bool = True) -> Select[Any]:
    """Core query over `events` columns; `licences` restricts to those numbers (plus holder-wide ones)."""
    t = EventRow.__table__
    query = select(t.c.id, t.c.type, t.c.date, t.c.licence, t.c.event_key, t.c.fields).order_by(
        t.c.date, t.c.id
    )
    if licences is not None:
        cond = t.c.licence.in_(sorted(licences))
        query = query.where(or_(cond, t.c.licence.is_(None)) if include_shared else cond)
    return query


def list_events(
    session: Session, *, licence: str | None = None, type: str | None = None, subject: str | None = None
) -> list[Event]:
    """Events, oldest first. With `licence`, that licence's events plus its holder's licence-wide ones."""
    query = select(EventRow).order_by(EventRow.date, EventRow.id)
    if licence is not None:
        org = session.scalar(select(LicenceRecord.organisation_id).where(LicenceRecord.number == licence))
        shared: Any = EventRow.licence.is_(None)
        if org is not None:
            shared = shared & ((EventRow.organisation_id == org) | EventRow.organisation_id.is_(None))
        query = query.where((EventRow.licence == licence) | shared)
    if type is not None:
        query = query.where(EventRow.type == type)
    if subject is not None:
        query = query.where(EventRow.subject == subject)
    return [to_event(row) for row in session.scalars(query)]


_IN_BATCH = 1000


def holder_wide_events(session: Session) -> dict[int | None, list[Event]]:
    """Events recorded for a whole holder (licence NULL), by organisation, oldest first.

    An organisation's holder-wide events concern its own licences only (a licensing agency keeps many
    clients in one database); those recorded without an organisation concern every licence (a
    database holding one company's licences). `list_events(licence=…)` applies the same rule.
    """
    t = EventRow.__table__
    query = events_query().add_columns(t.c.organisation_id).where(t.c.licence.is_(None))
    out: dict[int | None, list[Event]] = {}
    for row in session.execute(query):
        out.setdefault(row.organisation_id, []).append(to_event(row))
    return out


def events_of_licences(
    session: Session,
    licences: Sequence[tuple[Licence, int | None]],
    *,
    holder: dict[int | None, list[Event]] | None = None,
) -> list[list[Event]]:
    """For each (licence, organisation): its own events (by number or base number) and the holder-wide
    events that concern it (see `holder_wide_events`), oldest first.

    The holder-wide lists are shared between licences (the same objects), so callers can tell which
    licences see the same holder-wide events without comparing them (`rules.engine.holder_groups`).
    `holder` saves the query when the caller already has it.
    """
    from vats.rules.engine import EventIndex, event_keys, event_order

    holder = holder_wide_events(session) if holder is None else holder
    keys = sorted({k for lic, _org in licences for k in event_keys(lic)})
    bound: list[Event] = []
    for start in range(0, len(keys), _IN_BATCH):  # bounded IN lists, whatever the portfolio's size
        query = events_query(licences=keys[start : start + _IN_BATCH], include_shared=False)
        bound.extend(to_event(row) for row in session.execute(query))
    index = EventIndex(bound)
    everyone = holder.get(None, [])
    out = []
    for lic, org in licences:
        own = [e for group in index.for_licence(lic).by_type.values() for e in group]
        own.sort(key=event_order)
        shared = everyone + holder.get(org, []) if org is not None else everyone
        out.append(own + shared if shared else own)
    return out


def engine_runs(
    session: Session,
    licences: Sequence[Licence],
    *,
    organisation_of: Mapping[str, int | None] | None = None,
    holder: dict[int | None, list[Event]] | None = None,
) -> list[tuple[list[Licence], list[Event]]]:
    """Stored licences split into engine runs, each with the events its licences see.

    `events_of_licences` gives each licence its events; `rules.engine.holder_groups` puts licences that
    see the same holder-wide events into one run. `organisation_of` (number -> organisation) saves the
    lookup when the caller has it; `holder` saves the holder-wide query.
    """
    from vats.rules.engine import holder_groups

    if organisation_of is None:
        numbers = sorted({lic.number for lic in licences})
        query = select(LicenceRecord.number, LicenceRecord.organisation_id).where(
            LicenceRecord.number.in_(numbers)
        )
        organisation_of = {number: org for number, org in session.execute(query)}
    pairs = [(lic, organisation_of.get(lic.number)) for lic in licences]
    own = events_of_licences(session, pairs, holder=holder)
    return [
        (group, events) for _positions, group, events in holder_groups(list(zip(licences, own, strict=True)))
    ]
