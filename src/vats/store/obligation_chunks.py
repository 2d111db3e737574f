"""The obligation cache refreshed in slices of licences that several workers evaluate at once.

`refresh_obligation_cache` evaluates every stale licence in one transaction under the refresh lock:
right for a warm morning run, slow for a cold portfolio of 100,000 licences on one core. Split in
three steps, the same work spreads over every worker:

1. `plan_slices` (under the refresh lock) marks what the last refresh has not seen yet as dirty
   (new events, a changed rule library), exactly as a refresh starts, and cuts the stale licences
   into id ranges of `size` licences;
2. `refresh_slice` evaluates the stale licences of one range and replaces their rows and state.
   Slices hold the refresh lock shared (PostgreSQL), so they run side by side while a whole refresh
   waits for them; each touches only its own licences. A slice run again finds nothing stale in its
   range and writes nothing;
3. `finish_slices` (under the refresh lock) forgets archived licences and rebuilds the tally and
   the summary the warm path reads from the rows themselves, so it is right however many slices
   ran, and in whatever order. The audit watermark is the one read when planning: a write that
   happened meanwhile makes the next refresh look again.

Slices replace rows without keeping the tally, so from planning to finishing the cache is marked
`SLICED`: the warm fast path is off, and a whole refresh that runs meanwhile (or after a job that
failed) evaluates what is still stale and counts the tally afresh.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from vats.rules.settings import EngineSettings, configured_settings
from vats.store import obligation_refresh as refresh
from vats.store.models import LicenceRecord


@dataclass(frozen=True, slots=True)
class Plan:
    """Id ranges `(after, until]` of stale licences, how many licences each holds, and the audit
    watermark the finished refresh records."""

    slices: tuple[tuple[int, int, int], ...]
    audit_seen: int

    @property
    def licences(self) -> int:
        return sum(n for _after, _until, n in self.slices)


def plan_slices(
    session: Session, *, as_of: date, size: int = 1000, settings: EngineSettings | None = None
) -> Plan:
    """Mark unseen changes dirty and cut the stale licences into ranges of `size` (commit before
    the slices run, so they read the dirty marks)."""
    settings = settings or configured_settings()
    size = max(1, size)
    refresh._lock(session)
    refresh._dirty_if_rules_changed(session, settings)
    refresh._dirty_from_new_events(session)
    refresh._set_meta(session, refresh.SLICED, 1)  # until finished, the tally is not kept
    audit_seen = refresh._audit_top(session)
    stale = refresh._stale_query(session, as_of, 0, 2**31 - 1)
    ids = [int(i) for i in session.execute(stale.with_only_columns(LicenceRecord.__table__.c.id)).scalars()]
    slices = []
    after = 0
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        slices.append((after, part[-1], len(part)))
        after = part[-1]
    return Plan(tuple(slices), audit_seen)


def _shared_lock(session: Session) -> None:
    """Exclude a whole refresh (which takes the lock exclusively) but not the other slices."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock_shared(refresh.REFRESH_LOCK)))


def refresh_slice(
    session: Session,
    *,
    as_of: date,
    after: int,
    until: int,
    settings: EngineSettings | None = None,
    chunk: int = 1000,
) -> int:
    """Evaluate the stale licences with `after < id <= until` and replace their cached rows and
    state; returns how many (0 when the range is current: the slice ran already)."""
    settings = settings or configured_settings()
    _shared_lock(session)
    ignored: Counter[refresh.TallyKey] = Counter()  # the tally is rebuilt whole by `finish_slices`
    return refresh._recompute_stale(session, as_of, chunk, settings, ignored, after=after, until=until)


def finish_slices(session: Session, *, audit_seen: int) -> None:
    """Forget archived licences, rebuild the tally and the summary from the rows; run again, it
    writes the same."""
    refresh._lock(session)
    live = session.execute(select(func.count()).where(LicenceRecord.__table__.c.archived.is_(False))).scalar()
    refresh._drop_gone(session, int(live or 0), Counter())
    refresh.rebuild_tally(session)
    refresh._set_meta(session, refresh.SLICED, 0)
    refresh._save_summary(session)
    refresh._set_meta(session, refresh.AUDIT_SEEN, audit_seen)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE obligation_cache, obligation_cache_state, obligation_cache_tally"))
