"""The registers' only link to deadlines: they record domain events, and read obligations back.

Registers never compute a due date. A state change records an `Event` (vocabulary in
`reference/rules/event_types.yaml`) through the store, with `fields["subject"]` naming the record
("case:42"); the rules engine turns events into obligations, and `obligations_for` hands each record
the obligations whose subject is that record. One calendar, one rules library, one answer everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from vats.model import clock
from vats.model.obligations import Event, Obligation, ObligationStatus
from vats.registers.base import RegisterColumns
from vats.registers.spec import Implied, identity


def emit(session: Session, *, type: str, on: date, licence: str, subject: str, **fields: Any) -> Event:
    """Record one domain event about a register record (in the caller's transaction)."""
    from vats.store.events import record_event

    clean = {k: v for k, v in fields.items() if v is not None}
    event = Event(type=type, date=on, licence=licence, fields={"subject": subject, **clean})
    record_event(session, event=event)
    return event


def sync_events(
    session: Session,
    record: RegisterColumns,
    implied_events: Callable[[Any], list[Implied]],
    *,
    retract_reason: str | None = None,
    today: date | None = None,
) -> None:
    """Make the recorded events of one register record match what its state implies.

    Each register says once (`implied_events` in its service) which events a record's fields imply;
    transitions and corrections both call this, so the two can never disagree. Missing events are
    recorded. Recorded events the state no longer implies are retracted (`event_retracted`, with the
    reason) only when `retract_reason` is given — a correction; a transition never retracts.
    """
    from vats.rules.engine import RETRACTED, without_retracted
    from vats.store.events import list_events

    licence, subject = record.licence, record.subject
    wanted = {i.key(): i for i in implied_events(record)}
    types = {i.type for i in wanted.values()}  # only events of the kinds the record implies are compared
    recorded = without_retracted(list_events(session, subject=subject))
    have = {_key(e): e for e in recorded if e.licence == licence and e.type in types}
    if retract_reason is not None:
        on = today or clock.today()
        for key, event in have.items():
            if key not in wanted:
                emit(
                    session,
                    type=RETRACTED,
                    on=on,
                    licence=licence,
                    subject=subject,
                    event=event.id,
                    reason=retract_reason,
                )
    for key, i in wanted.items():
        if key not in have:
            emit(session, type=i.type, on=i.on, licence=licence, subject=subject, **i.fields)


def _key(event: Event) -> tuple[str, str, str]:
    return identity(event.type, event.date, {k: v for k, v in event.fields.items() if k != "subject"})


@dataclass(frozen=True, slots=True)
class DueSummary:
    """The headline obligation of a record for list views: the most urgent one the engine derived."""

    rule_id: str
    due_date: date | None
    status: ObligationStatus
    late: bool
    completed_on: date | None
    provisional: bool
    due_at: datetime | None = None  # deadlines counted in hours: the Beijing time

    @property
    def label(self) -> str:
        """Short status for tables: overdue / late / satisfied / upcoming …"""
        if self.late:
            return "late"
        return self.status.value

    @classmethod
    def of(cls, obligations: Iterable[Obligation]) -> DueSummary | None:
        """Prefer an open obligation (the engine already sorts overdue first, then by due date)."""
        items = list(obligations)
        if not items:
            return None
        closed = (ObligationStatus.SATISFIED, ObligationStatus.WAIVED, ObligationStatus.NOT_APPLICABLE)
        open_items = [o for o in items if o.status not in closed]
        late = [o for o in items if o.late]
        top = (open_items or late or items)[0]
        return cls(
            rule_id=top.rule_id,
            due_date=top.due_date,
            status=top.status,
            late=top.late,
            completed_on=top.completed_on,
            provisional=top.provisional,
            due_at=top.due_at,
        )


def obligations_for(
    session: Session, *, subjects: Mapping[str, str], as_of: date
) -> dict[str, list[Obligation]]:
    """Obligations per record subject. `subjects` maps subject ("case:42") to its licence number.

    Only the licences involved are evaluated, so listing one page of a register costs one engine run
    over a handful of licences, not the whole portfolio.
    """
    if not subjects:
        return {}
    from vats.store.evaluate import evaluate_stored, live_licences

    chunks = live_licences(session, numbers=set(subjects.values()))
    obligations = [
        o
        for chunk in evaluate_stored(session, as_of=as_of, chunks=chunks)
        for e in chunk
        for o in e.obligations
    ]
    found: dict[str, list[Obligation]] = defaultdict(list)
    for obligation in obligations:
        subject = obligation.subject
        if subject is not None and subject in subjects and obligation.licence == subjects[subject]:
            found[subject].append(obligation)
    return dict(found)


def due_summaries(
    session: Session, *, subjects: Mapping[str, str], as_of: date
) -> dict[str, DueSummary | None]:
    """`DueSummary` per subject (None when no obligation applies, e.g. a case not yet disposed)."""
    found = obligations_for(session, subjects=subjects, as_of=as_of)
    return {subject: DueSummary.of(found.get(subject, ())) for subject in subjects}
