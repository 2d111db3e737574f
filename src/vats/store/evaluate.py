"""The one way the stored portfolio is evaluated: stored licences with their events and profiles
through the rules engine, chunk by chunk.

`vats status` (the obligation cache refresh, and its uncached twin), the web read model and the
chunked cold-evaluation job all evaluate stored licences; they differ only in which licences they
take (every live one, the stale ones, a range of ids) and what they keep from the answer. Reading
the events a licence sees (its own by number or base number, plus the holder-wide ones of its
organisation), splitting licences into engine runs by those holder-wide events, reading the
organisation profiles and grouping the engine's output per licence happen here once, so the
callers cannot drift apart on what "the obligations of a stored licence" are.

Callers choose the licences with `chunks` (an iterable of `StoredLicence` lists, read lazily so a
portfolio of 100,000 never sits in memory at once); by default every live licence in id order.
`reuse` lets a caller that keeps earlier answers skip licences whose inputs did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ColumnElement, String, cast, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from vats.model.licence import Licence
from vats.model.obligations import Event, Obligation
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

if TYPE_CHECKING:
    from vats.model.findings import Finding
    from vats.rules.settings import EngineSettings


@dataclass(frozen=True, slots=True)
class StoredLicence:
    """A stored licence as evaluation reads it: the domain object and the record facts that say
    which version of it was evaluated."""

    id: int
    number: str
    organisation_id: int | None
    version: int
    revision: int
    licence: Licence


@dataclass(frozen=True, slots=True)
class EvaluatedLicence:
    """One licence's share of an evaluation: the events and profile it was evaluated with, its
    obligations in engine order and (when an audit was asked for) its audit findings."""

    stored: StoredLicence
    events: tuple[Event, ...]
    profile: frozenset[str]
    obligations: tuple[Obligation, ...]
    findings: tuple[Finding, ...] = ()


Reuse = Callable[[StoredLicence, Sequence[Event], frozenset[str]], EvaluatedLicence | None]


def stored_licence(row: Any) -> StoredLicence:
    """A `StoredLicence` from a row carrying id, number, organisation_id, version, current_revision
    and data (the stored JSON, decoded by `store.decode`)."""
    from vats.store.decode import to_licence

    return StoredLicence(
        row.id, row.number, row.organisation_id, row.version, row.current_revision, to_licence(row.data)
    )


ENGINE_UNREAD = ("provisions",)  # read by licence validation (the audit), never by the rules engine


def engine_data(session: Session, data: ColumnElement[Any]) -> ColumnElement[Any]:
    """The stored licence JSON without the parts the rules engine never reads (`ENGINE_UNREAD`),
    cut out by the database: the special provisions are most of a licence's JSON, and parsing
    and rebuilding them cost more than evaluating the licence. Validation (an audit) reads them,
    so audits read the whole column."""
    if session.get_bind().dialect.name == "postgresql":
        cut: ColumnElement[Any] = cast(data, JSONB)
        for key in ENGINE_UNREAD:
            cut = cut.op("-")(literal(key, String))
        return type_coerce(cut, JSONB)
    return type_coerce(func.json_remove(data, *(f"$.{key}" for key in ENGINE_UNREAD)), JSON)


def live_licences(
    session: Session,
    *,
    chunk: int = 1000,
    first_id: int = 0,
    last_id: int | None = None,
    numbers: Collection[str] | None = None,
    organisation_id: int | None = None,
    engine_only: bool = False,
) -> Iterator[list[StoredLicence]]:
    """Every live licence with `first_id < id <= last_id` (of these numbers, of this organisation),
    in id order, `chunk` at a time (keyset pages, so memory stays flat), within the session's
    visible organisations. `engine_only` reads what the rules engine reads (`engine_data`): for
    evaluations without an audit whose licences are not shown."""
    t = LicenceRecord.__table__
    after = first_id
    data = engine_data(session, t.c.data).label("data") if engine_only else t.c.data
    columns = (t.c.id, t.c.number, t.c.organisation_id, t.c.version, t.c.current_revision, data)
    visible = scope_of(session).where(t.c.organisation_id)
    wanted = sorted(set(numbers)) if numbers is not None else None
    while True:
        query = select(*columns).where(t.c.id > after, t.c.archived.is_(False)).order_by(t.c.id).limit(chunk)
        if last_id is not None:
            query = query.where(t.c.id <= last_id)
        if wanted is not None:
            query = query.where(t.c.number.in_(wanted))
        if organisation_id is not None:
            query = query.where(t.c.organisation_id == organisation_id)
        query = query.where(*visible)
        rows = session.execute(query).all()
        if not rows:
            return
        yield [stored_licence(r) for r in rows]
        after = rows[-1].id


def evaluate_stored(
    session: Session,
    *,
    as_of: date,
    chunks: Iterable[Sequence[StoredLicence]] | None = None,
    settings: EngineSettings | None = None,
    audit: bool = False,
    evaluate: Callable[..., Any] | None = None,
    reuse: Reuse | None = None,
    holder: dict[int | None, list[Event]] | None = None,
) -> Iterator[list[EvaluatedLicence]]:
    """Evaluate stored licences for `as_of`, one list of results per chunk of `chunks` (every live
    licence by default), in the chunk's order; each licence's events in engine order.

    `audit` adds each licence's audit findings (validation plus the engine's findings, as
    `rules.audit` defines them) from the same engine run. `evaluate` replaces the engine (same
    signature as `rules.engine.evaluate`; tests use it to cross-check the runs). `reuse` is asked
    first for each licence with the events and profile it would be evaluated with; an answer it
    returns stands for the licence and the engine does not see it. `holder` saves the holder-wide
    event query when the caller already has it.
    """
    from vats.rules.engine import event_order
    from vats.store.events import events_of_licences, holder_wide_events
    from vats.store.profile_rows import profiles_by_licence

    for stored in chunks if chunks is not None else live_licences(session):
        if not stored:
            continue
        if holder is None:
            holder = holder_wide_events(session)
        pairs = [(s.licence, s.organisation_id) for s in stored]
        own = [
            sorted(events, key=event_order) for events in events_of_licences(session, pairs, holder=holder)
        ]
        profiles = profiles_by_licence(session, [s.number for s in stored])
        out: list[EvaluatedLicence | None] = [None] * len(stored)
        todo: list[int] = []
        for position, (s, events) in enumerate(zip(stored, own, strict=True)):
            kept = reuse(s, events, profiles.get(s.number, frozenset())) if reuse is not None else None
            if kept is None:
                todo.append(position)
            else:
                out[position] = kept
        if todo:
            results = _evaluated(
                [stored[p] for p in todo],
                [own[p] for p in todo],
                as_of=as_of,
                settings=settings,
                profiles=profiles,
                audit=audit,
                evaluate=evaluate,
            )
            for position, result in zip(todo, results, strict=True):
                out[position] = result
        yield [r for r in out if r is not None]


def _evaluated(
    stored: Sequence[StoredLicence],
    own: Sequence[list[Event]],
    *,
    as_of: date,
    settings: EngineSettings | None,
    profiles: dict[str, frozenset[str]],
    audit: bool,
    evaluate: Callable[..., Any] | None,
) -> list[EvaluatedLicence]:
    """The engine over these licences in as few runs as their holder-wide events allow."""
    from vats.rules.engine import holder_groups

    licences = [s.licence for s in stored]
    if audit:
        from vats.rules.audit import audit_each

        audits = audit_each(
            list(zip(licences, own, strict=True)), as_of=as_of, settings=settings, profiles=profiles
        )
        return [
            EvaluatedLicence(s, tuple(events), profiles.get(s.number, frozenset()), a.obligations, a.findings)
            for s, events, a in zip(stored, own, audits, strict=True)
        ]
    if evaluate is None:
        from vats.rules.engine import evaluate as engine_evaluate

        evaluate = engine_evaluate
    extra: dict[str, Any] = {} if settings is None else {"settings": settings}
    by_licence: dict[str, list[Obligation]] = {lic.number: [] for lic in licences}
    for _positions, group, events in holder_groups(list(zip(licences, own, strict=True))):
        for o in evaluate(group, events, as_of, profiles=profiles, **extra).obligations:
            by_licence.setdefault(o.licence, []).append(o)
    return [
        EvaluatedLicence(s, tuple(events), profiles.get(s.number, frozenset()), tuple(by_licence[s.number]))
        for s, events in zip(stored, own, strict=True)
    ]


def evaluate_licences(
    session: Session, *, numbers: Collection[str], as_of: date, audit: bool = False
) -> list[EvaluatedLicence]:
    """These live licences (within the session's scope) evaluated on their own, in id order: what a
    page about a few licences needs, at the cost of those licences rather than of the portfolio."""
    if not numbers:
        return []
    chunks = live_licences(session, numbers=numbers)
    return [e for chunk in evaluate_stored(session, as_of=as_of, chunks=chunks, audit=audit) for e in chunk]
