"""The event index: events grouped once by licence and type, so each licence reads only its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from vats.model.licence import Licence
from vats.model.obligations import Event


def event_subject(event: Event, field: str | None = None) -> str:
    """The subject linking a trigger to the event that satisfies it (fields.subject, else the id)."""
    if field is not None and event.fields.get(field) is not None:
        return str(event.fields[field])
    subject = event.fields.get("subject")
    if subject is not None:
        return str(subject)
    return event.id or f"{event.type}@{event.date.isoformat()}"


class EventIndex:
    """Events grouped by licence number (None = every licence of the holder) and type, sorted by date."""

    def __init__(self, events: Iterable[Event]) -> None:
        self._by: dict[str | None, dict[str, list[Event]]] = {}
        with_ids = True
        for e in events:
            types = self._by.get(e.licence)
            if types is None:
                types = self._by[e.licence] = {}
            group = types.get(e.type)
            if group is None:
                types[e.type] = [e]
            else:
                group.append(e)
            if e.id is None:
                with_ids = False
        # groups are small (a licence's events of one type): sort each, with a C-level key when every
        # event has an id (always, once stored; otherwise a missing id counts as "")
        key = attrgetter("date", "id") if with_ids else event_order
        for types in self._by.values():
            for group in types.values():
                if len(group) > 1:
                    group.sort(key=key)
        self._shared = self._by.get(None, {})

    def for_licence(self, licence: Licence) -> LicenceEvents:
        keys = event_keys(licence)
        found = [self._by[k] for k in keys if k in self._by]
        if self._shared:
            found.append(self._shared)
        if not found:
            return NO_EVENTS
        if len(found) == 1:  # the common case: one number, no holder-wide events — share the lists
            return LicenceEvents(found[0])
        own: dict[str, list[Event]] = {}
        for group in found:
            for t, evs in group.items():
                own.setdefault(t, []).extend(evs)
        for evs in own.values():
            evs.sort(key=event_order)
        return LicenceEvents(own)


def event_keys(licence: Licence) -> set[str]:
    """The `Event.licence` values that concern a licence: its number and its base number (the number
    without a `-N` site suffix). Holder-wide events (None) come on top, per holder."""
    info = licence.number_info
    return {licence.number, info.base} if info is not None else {licence.number}


def event_order(e: Event) -> tuple[date, str]:
    """Events oldest first; same-day events by id (a missing id counts as "")."""
    return (e.date, e.id or "")


RETRACTED = "event_retracted"


def without_retracted(events: Sequence[Event]) -> Sequence[Event]:
    """The events minus those a correction retracted, and minus the retractions themselves.

    A register correction never edits a stored event (they are append-only and feed the audit chain and
    the status cache's watermark); it records `event_retracted` naming the wrong event's id, and the
    corrected event. A retraction counts whatever its date: the retracted record was never true."""
    gone = {str(e.fields.get("event")) for e in events if e.type == RETRACTED}
    if not gone:
        return events
    return [e for e in events if e.type != RETRACTED and e.id not in gone]


def holder_groups(
    items: Sequence[tuple[Licence, Sequence[Event]]],
) -> list[tuple[list[int], list[Licence], list[Event]]]:
    """Split licences, each with its own event list, into runs the engine can evaluate together.

    The engine applies every holder-wide event (licence None) it is given to every licence in the
    run, so licences are grouped by the holder-wide events they see (compared by identity: callers
    share one list object per holder, see `vats.store.events.events_of_licences`; equal copies only
    cost an extra run). Each group comes with the positions of its licences in `items` and the union
    of their events; licence-bound events reach only the licences they name, as in a run of their own.
    """
    groups: dict[tuple[int, ...], tuple[list[int], list[Licence], dict[int, Event]]] = {}
    for position, (licence, events) in enumerate(items):
        key = tuple(id(e) for e in events if e.licence is None)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ([], [], {})
        group[0].append(position)
        group[1].append(licence)
        for e in events:
            group[2].setdefault(id(e), e)
    return [(positions, licences, list(union.values())) for positions, licences, union in groups.values()]


@dataclass(frozen=True, slots=True)
class LicenceEvents:
    by_type: Mapping[str, list[Event]]

    def of(self, types: Sequence[str]) -> list[Event]:
        """Events of these types, by date (callers must not modify the list)."""
        if len(types) == 1:
            return self.by_type.get(types[0], EMPTY)
        groups = [g for g in (self.by_type.get(t) for t in types) if g]
        if len(groups) <= 1:
            return groups[0] if groups else EMPTY
        merged = [e for g in groups for e in g]
        merged.sort(key=event_order)
        return merged


EMPTY: list[Event] = []
NO_EVENTS = LicenceEvents({})
