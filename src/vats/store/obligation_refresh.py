"""Keep `obligation_cache` current: recompute only the licences whose cached obligations are stale.

A licence's cached rows are stale when
  * it has no rows yet (new licence, including ones bulk-loaded with Core inserts),
  * its licence record changed (the record's `version` or `current_revision` differ from the ones
    the rows were computed from — every ORM update bumps `version`, a new revision bumps both),
  * an event naming it (or its base number, or holder-wide) was recorded since the last refresh:
    events are append-only, so "ids above the watermark in `obligation_cache_meta`" is exactly the
    set of new events whichever path wrote them (service, register, bulk Core insert),
  * the rules library changed (fingerprint in `obligation_cache_meta`), or
  * the evaluation date left the span the rows are valid for.

Why a validity span, not "same quarter": the engine's output depends on the date beyond the
overdue/due-soon split (which SQL derives from the stored due date). The engine says for how long
(`vats.rules.engine.validity`): the minimum of its date boundaries is `valid_until`. Going back in
time (as_of < computed_for) always recomputes.

The warm fast path (the normal morning run) writes nothing and scans no table: the rules fingerprint,
the event and audit watermarks and a summary of the state rows (their number and the span every
one of them is valid for, kept in `obligation_cache_meta` by the last refresh) decide it.

Stale licences are evaluated through `store.evaluate.evaluate_stored`, reading only what the
engine reads (`engine_data`); undated standing duties are counted in the state row (`standing`)
rather than stored, since no list shows them.

Concurrency: a refresh that has work to do first takes the refresh lock (a transaction-scoped
advisory lock on PostgreSQL, the database write lock on SQLite), then looks again: a second
`vats status` started meanwhile waits for the first one's commit and then finds nothing stale,
instead of evaluating the same licences and inserting their rows a second time.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Integer, Table, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from vats.model.errors import UnavailableError
from vats.model.obligations import Obligation, ObligationStatus, RuleKind
from vats.rules.settings import EngineSettings, configured_settings
from vats.store.auditlog import AuditEntry
from vats.store.models import EventRow, LicenceRecord
from vats.store.obligation_cache import (
    CachedObligation,
    ObligationCacheMeta,
    ObligationCacheState,
    ObligationCacheTally,
)

EVENTS_SEEN = "events_seen"
ENGINE_FINGERPRINT = "engine_fingerprint"
AUDIT_SEEN = "audit_seen"
STATE_ROWS = "state_rows"  # summary of obligation_cache_state written by every refresh that ran:
VALID_FROM = "valid_from"  # the latest `computed_for` (ordinal)
VALID_UNTIL = "valid_until"  # the earliest `valid_until` (ordinal; 0 while any row is dirty)
SLICED = "sliced"  # 1 while a refresh in slices (`store.obligation_chunks`) has not finished
REFRESH_LOCK = 0x7A7C_0B1E  # PostgreSQL advisory lock key of the refresh
TIME_DERIVED = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON, ObligationStatus.UPCOMING)
_IN_BATCH = 500
CACHE = cast(Table, CachedObligation.__table__)
STATE = cast(Table, ObligationCacheState.__table__)
META = cast(Table, ObligationCacheMeta.__table__)
TALLY = cast(Table, ObligationCacheTally.__table__)
TallyKey = tuple[str | None, date | None, bool]
STANDING: TallyKey = (None, None, False)  # an undated duty without a stored status: counted, not stored

if TYPE_CHECKING:  # the engine and the event readers are imported when a licence is stale:
    from vats.rules.engine.validity import Validity  # the warm path of `vats status` never needs them
    from vats.store.evaluate import EvaluatedLicence, StoredLicence


def derived_status(due: date | None, as_of: date, settings: EngineSettings) -> ObligationStatus:
    """The date-only status (`vats.rules.status`, as the engine and the status SQL compute it)."""
    from vats.rules.status import status_on

    return status_on(due, as_of=as_of, due_soon_days=settings.due_soon_days)


def _rules_fingerprint(settings: EngineSettings) -> int:
    """CRC of the bundled rule and calendar data files plus the settings: when a software update
    changes a rule or a holiday, every cached row is recomputed. Reads bytes only — loading the rule
    library would cost more than the whole warm status query."""
    import vats.reference

    root = Path(vats.reference.__file__).resolve().parent
    tuned = (
        settings.due_soon_days,
        settings.horizon_days,
        settings.lookback_days,
        repr(settings.roll),
        sorted(settings.numbers.items()),
        sorted(settings.disabled_rules),
    )
    crc = zlib.crc32(repr(tuned).encode("utf-8"))
    for path in sorted([*(root / "rules").glob("*.yaml"), *(root / "calendar").rglob("*.yaml")]):
        crc = zlib.crc32(path.read_bytes(), zlib.crc32(path.name.encode("utf-8"), crc))
    return crc & 0x7FFFFFFF


def _meta(session: Session, key: str) -> int | None:
    t = META
    value = session.execute(select(t.c.value).where(t.c.key == key)).scalar()
    return None if value is None else int(value)


def _all_meta(session: Session) -> dict[str, int]:
    return {key: int(value) for key, value in session.execute(select(META.c.key, META.c.value))}


def _set_meta(session: Session, key: str, value: int) -> None:
    t = META
    if _meta(session, key) is None:
        session.execute(insert(t).values(key=key, value=value))
    else:
        session.execute(update(t).where(t.c.key == key).values(value=value))


def _lock(session: Session) -> None:
    """Serialise refreshes until the transaction ends (see the module docstring).

    SQLite has one writer at a time: a write statement takes the database lock (waiting up to the
    busy timeout), and the statements after it read the latest committed data. A wait that times out
    (SQLite's busy timeout, PostgreSQL's lock_timeout when set) is a clear "try again" error, exit 5.
    """
    from sqlalchemy.exc import OperationalError

    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK)))
        else:
            session.execute(update(META).where(META.c.key == AUDIT_SEEN).values(value=META.c.value))
    except OperationalError as exc:
        if "lock" not in str(exc):  # SQLite "database is locked", PostgreSQL "lock timeout"
            raise
        raise UnavailableError(
            "另一个 vats 进程正在写入数据库（例如首次计算整个组合的义务，可能需要数分钟），请稍后重试 / "
            "another vats process holds the database's write lock (a first refresh over a whole "
            "portfolio can take minutes); try again when it has finished"
        ) from None


def _batches(items: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _IN_BATCH):
        yield list(items[i : i + _IN_BATCH])


def mark_dirty(session: Session, numbers: Iterable[str] | None) -> None:
    """Have the next refresh re-evaluate these licences (e.g. after their organisation's profile
    changed, which no event records); None marks every licence."""
    _mark_dirty(session, numbers)


def _mark_dirty(session: Session, numbers: Iterable[str] | None) -> None:
    """Dirty the named licences (matched by number or base number); None dirties every licence."""
    t = STATE
    if numbers is None:
        session.execute(update(t).values(dirty=True))
        return
    for batch in _batches(sorted(numbers)):
        session.execute(update(t).where(or_(t.c.number.in_(batch), t.c.base.in_(batch))).values(dirty=True))


def _dirty_from_new_events(session: Session) -> None:
    e = EventRow.__table__
    seen = _meta(session, EVENTS_SEEN) or 0
    top = session.execute(select(func.max(e.c.id))).scalar()
    if top is None or int(top) <= seen:
        return
    named = set(session.execute(select(e.c.licence).where(e.c.id > seen).distinct()).scalars())
    _mark_dirty(session, None if None in named else named)
    _set_meta(session, EVENTS_SEEN, int(top))


def _dirty_if_rules_changed(session: Session, settings: EngineSettings) -> None:
    fingerprint = _rules_fingerprint(settings)
    if _meta(session, ENGINE_FINGERPRINT) != fingerprint:
        _mark_dirty(session, None)
        _set_meta(session, ENGINE_FINGERPRINT, fingerprint)


def _forget(session: Session, numbers: Sequence[str], tally: Counter[TallyKey]) -> None:
    """Delete the cached rows and state of these licences, subtracting the rows (and the standing
    duties counted without rows) from the tally."""
    c = CACHE.c
    for batch in _batches(numbers):
        grouped = (
            select(c.fixed_status, c.due_date, c.late, func.count())
            .where(c.licence.in_(batch))
            .group_by(c.fixed_status, c.due_date, c.late)
        )
        for fixed, due, late, n in session.execute(grouped):
            tally[(fixed, due, bool(late))] -= int(n)
        standing = select(func.sum(STATE.c.standing)).where(STATE.c.number.in_(batch))
        tally[STANDING] -= int(session.execute(standing).scalar() or 0)
        session.execute(delete(CACHE).where(c.licence.in_(batch)))
        session.execute(delete(STATE).where(STATE.c.number.in_(batch)))


def _save_tally(session: Session, delta: Counter[TallyKey]) -> None:
    """Apply the refresh's changes to `obligation_cache_tally` (rewritten whole: a few hundred rows)."""
    if not any(delta.values()):
        return
    t = TALLY.c
    tally: Counter[TallyKey] = Counter()
    for fixed, due, late, n in session.execute(select(t.fixed_status, t.due_date, t.late, t.n)):
        tally[(fixed, due, bool(late))] += int(n)
    tally.update(delta)
    session.execute(delete(TALLY))
    rows = [{"fixed_status": f, "due_date": d, "late": lt, "n": n} for (f, d, lt), n in tally.items() if n]
    if rows:
        session.execute(insert(TALLY), rows)


def rebuild_tally(session: Session) -> None:
    """Count `obligation_cache_tally` afresh from the cached rows and the state rows' standing duties
    (after a refresh in slices, which replace rows without keeping the tally)."""
    c = CACHE.c
    tally: Counter[TallyKey] = Counter()
    grouped = select(c.fixed_status, c.due_date, c.late, func.count()).group_by(
        c.fixed_status, c.due_date, c.late
    )
    for fixed, due, late, n in session.execute(grouped):
        tally[(fixed, due, bool(late))] += int(n)
    tally[STANDING] += int(session.execute(select(func.sum(STATE.c.standing))).scalar() or 0)
    session.execute(delete(TALLY))
    rows = [{"fixed_status": f, "due_date": d, "late": lt, "n": n} for (f, d, lt), n in tally.items() if n]
    if rows:
        session.execute(insert(TALLY), rows)


def _save_summary(session: Session) -> None:
    """Record what the fast path needs to know about the state rows (one pass, after a refresh)."""
    s = STATE.c
    count, valid, computed, dirty = session.execute(
        select(
            func.count(), func.min(s.valid_until), func.max(s.computed_for), func.max(s.dirty.cast(Integer))
        )
    ).one()
    _set_meta(session, STATE_ROWS, int(count))
    _set_meta(session, VALID_FROM, computed.toordinal() if computed is not None else 0)
    until = valid.toordinal() if valid is not None and not dirty else 0
    _set_meta(session, VALID_UNTIL, until if count else date.max.toordinal())


def _drop_gone(session: Session, live: int | None, tally: Counter[TallyKey]) -> None:
    """Forget licences that were archived or removed.

    Runs after the stale loop, when every live licence has a state row: the two counts then differ
    exactly when some state row belongs to a licence that is gone (numbers are unique on both
    sides), so the usual case costs two counts instead of an anti-join.
    """
    s, lic = STATE, LicenceRecord.__table__
    states = session.execute(select(func.count()).select_from(s)).scalar()
    if live is None:
        live = session.execute(select(func.count()).where(lic.c.archived.is_(False))).scalar()
    if states == live:
        return
    alive = exists().where(lic.c.number == s.c.number, lic.c.archived.is_(False))
    _forget(session, list(session.execute(select(s.c.number).where(~alive)).scalars()), tally)


def _nothing_stale(session: Session, as_of: date, live: int | None, settings: EngineSettings) -> bool:
    """The fast path of a warm cache, read-only and without scanning a table: the rules are the
    ones the rows were computed with, no event was recorded and no audited write happened since the
    last refresh (every ORM change to a licence or revision, and every bulk import batch, appends to
    the audit chain), and the last refresh left one clean state row per live licence, every one
    valid for `as_of`."""
    meta = _all_meta(session)
    if meta.get(SLICED):
        return False
    if meta.get(ENGINE_FINGERPRINT) != _rules_fingerprint(settings):
        return False
    top_event = session.execute(select(func.max(EventRow.__table__.c.id))).scalar()
    if int(top_event or 0) > meta.get(EVENTS_SEEN, 0):
        return False
    if _audit_top(session) != meta.get(AUDIT_SEEN):
        return False
    if live is None:
        lic = LicenceRecord.__table__
        live = session.execute(select(func.count()).where(lic.c.archived.is_(False))).scalar()
    day = as_of.toordinal()
    return meta.get(STATE_ROWS) == live and meta.get(VALID_FROM, day + 1) <= day <= meta.get(VALID_UNTIL, 0)


def _audit_top(session: Session) -> int:
    return int(session.execute(select(func.max(AuditEntry.id))).scalar() or 0)


def _stale_query(session: Session, as_of: date, after: int, chunk: int, last: int | None = None) -> Any:
    from vats.store.evaluate import engine_data

    s, lic = STATE, LicenceRecord.__table__
    stale = or_(
        s.c.number.is_(None),
        s.c.dirty.is_(True),
        s.c.licence_version != lic.c.version,
        s.c.revision != lic.c.current_revision,
        s.c.computed_for > as_of,
        s.c.valid_until < as_of,
    )
    return (
        select(
            lic.c.id,
            lic.c.number,
            engine_data(session, lic.c.data).label("data"),
            lic.c.version,
            lic.c.current_revision,
            lic.c.organisation_id,
        )
        .select_from(lic.outerjoin(s, s.c.number == lic.c.number))
        .where(lic.c.archived.is_(False), lic.c.id > after, stale, *([lic.c.id <= last] if last else []))
        .order_by(lic.c.id)
        .limit(chunk)
    )


def _row(o: Obligation, number: str, as_of: date, due_soon_days: int) -> dict[str, Any]:
    from vats.model.obligation_ids import obligation_id
    from vats.rules.status import status_on

    fixed = (
        None
        if o.status in TIME_DERIVED
        and status_on(o.due_date, as_of=as_of, due_soon_days=due_soon_days) is o.status
        else o.status.value
    )
    return {
        "licence": number,
        "rule_id": o.rule_id,
        "subject": o.subject or "",  # '' sorts the same on every database (see obligation_cache)
        "kind": o.kind.value,
        "title_zh": o.title_zh,
        "title_en": o.title_en,
        "due_date": o.due_date,
        "window_start": o.window_start,
        "completed_on": o.completed_on,
        "late": o.late,
        "provisional": o.provisional,
        "conditional": o.conditional,
        "fixed_status": fixed,
        "computed_for": as_of,
        "ident": obligation_id(o),
    }


def _standing(o: Obligation) -> bool:
    """Counted without a row (`STANDING`): no due date, and the status an undated duty derives."""
    return o.due_date is None and o.status is ObligationStatus.UPCOMING and not o.late


def refresh_obligation_cache(
    session: Session,
    *,
    as_of: date,
    chunk: int = 1000,
    settings: EngineSettings | None = None,
    live_licences: int | None = None,
) -> int:
    """Recompute the cached obligations of every stale licence for `as_of`; returns how many.

    `live_licences` (the number of non-archived licences, when the caller has just counted them)
    saves a count.

    Streams licences in keyset chunks (memory stays flat); a warm cache costs a few indexed queries.
    """
    settings = settings or configured_settings()
    if _nothing_stale(session, as_of, live_licences, settings):
        return 0
    _lock(session)
    if _nothing_stale(session, as_of, live_licences, settings):  # refreshed while we waited
        return 0
    _dirty_if_rules_changed(session, settings)
    _dirty_from_new_events(session)
    audit_top = _audit_top(session)
    tally: Counter[TallyKey] = Counter()
    done = _recompute_stale(session, as_of, chunk, settings, tally)
    _drop_gone(session, live_licences, tally)
    if _meta(session, SLICED):  # slices replaced rows without keeping the tally: count it afresh
        rebuild_tally(session)
        _set_meta(session, SLICED, 0)
    else:
        _save_tally(session, tally)
    _save_summary(session)
    _set_meta(session, AUDIT_SEEN, audit_top)
    if done >= chunk and session.get_bind().dialect.name == "postgresql":
        # fresh planner statistics after a large rewrite (autovacuum may be minutes away);
        # without them the status queries fall back to sequential scans
        session.execute(text("ANALYZE obligation_cache, obligation_cache_state, obligation_cache_tally"))
    return done


def _stale_licences(
    session: Session, as_of: date, chunk: int, *, after: int = 0, until: int | None = None
) -> Iterator[list[StoredLicence]]:
    """The stale live licences with `after < id <= until` in id order, `chunk` at a time (each chunk
    is read after the previous one's rows were replaced, so the keyset continues past it)."""
    from vats.store.evaluate import stored_licence

    last = after
    while rows := session.execute(_stale_query(session, as_of, last, chunk, until)).all():
        last = rows[-1].id
        yield [stored_licence(r) for r in rows]


def _recompute_stale(
    session: Session,
    as_of: date,
    chunk: int,
    settings: EngineSettings,
    tally: Counter[TallyKey],
    *,
    after: int = 0,
    until: int | None = None,
) -> int:
    """Evaluate every stale licence (with `after < id <= until`), chunk by chunk, and replace its
    cached rows; returns how many."""
    from vats.rules.engine.validity import Validity
    from vats.store.evaluate import evaluate_stored

    bounds: Validity | None = None  # loads the rule library: only when something is stale
    # an empty state table means an empty cache (rows are written and forgotten with their state
    # row): a cold start has nothing to forget, and skips a delete per licence batch
    cold = session.execute(select(STATE.c.number).limit(1)).first() is None
    done = 0
    stale = _stale_licences(session, as_of, chunk, after=after, until=until)
    for evaluated in evaluate_stored(session, as_of=as_of, chunks=stale, settings=settings):
        if bounds is None:
            bounds = Validity(as_of, settings)
        _replace_rows(session, evaluated, as_of, settings, bounds, tally, forget=not cold)
        done += len(evaluated)
    return done


def _replace_rows(
    session: Session,
    evaluated: Sequence[EvaluatedLicence],
    as_of: date,
    settings: EngineSettings,
    bounds: Validity,
    tally: Counter[TallyKey],
    *,
    forget: bool,
) -> None:
    """Swap the cached rows and state of these licences for their new evaluation (`forget`: the
    licences may have rows already)."""
    from vats.store.bulk import insert_rows

    if forget:
        _forget(session, [e.stored.number for e in evaluated], tally)
    days = settings.due_soon_days
    values: list[dict[str, Any]] = []
    states = []
    for e in evaluated:
        standing = controls = 0
        for o in e.obligations:
            if _standing(o):
                standing += 1
                controls += o.kind is RuleKind.CONTINUOUS
            else:
                values.append(_row(o, e.stored.number, as_of, days))
        states.append(_state(e, as_of, bounds, standing, controls))
        tally[STANDING] += standing
    if values:
        insert_rows(session.connection(), CACHE, values)
        tally.update((v["fixed_status"], v["due_date"], v["late"]) for v in values)
    session.execute(insert(STATE), states)


def _state(
    e: EvaluatedLicence, as_of: date, bounds: Validity, standing: int, controls: int
) -> dict[str, Any]:
    """The state row of a freshly evaluated licence: its inputs and the dates its rows hold for."""
    lic = e.stored.licence
    future: dict[str | None, date] = {}
    for event in e.events:  # the first event dated after as_of, per event key
        if event.date > as_of and (event.licence not in future or event.date < future[event.licence]):
            future[event.licence] = event.date
    return {
        "number": e.stored.number,
        "base": lic.number_info.base if lic.number_info is not None else e.stored.number,
        "licence_version": e.stored.version,
        "revision": e.stored.revision,
        "computed_for": as_of,
        "valid_until": bounds.valid_until(lic, future, e.obligations),
        "dirty": False,
        "standing": standing,
        "standing_controls": controls,
    }
