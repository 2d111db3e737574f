"""A report year's workpacks for a whole portfolio: created where missing, pre-filled and checked in
bulk (an agency's quarter in one call; the background job and the benchmark call this).

The register counts are read once for the portfolio, one grouped query per register, and each
workpack is checked from plain values against the plan of its service set. Workpack rows are read
and written as columns, not mapped objects; each new row is audited as the flush hook would audit it.

Generating again is the common case (an agency re-runs its portfolio as records come in), so each
workpack's outcome is remembered with the inputs it was made from: the licence's number, its row's
version and update time, the workpack's version, status and entered values, and the year's counts,
inventory rows and organisation record of its licence. Those inputs are read afresh on every run
(reading them costs what the counts cost); a workpack whose inputs are all unchanged keeps its
outcome without being pre-filled and checked again, and its licence's parsed document is not read.
The memory is per process and per database, so a new process pays the whole work once. An outcome
remembered in a transaction that is then rolled back is reused only for identical inputs, for which
it is the same outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import String, Table, insert, select, type_coerce
from sqlalchemy.orm import Session

from vats.model import clock
from vats.reference.annual_report import AnnualReportForm, load_form
from vats.registers.workpacks.models import Workpack
from vats.registers.workpacks.prefill import LicenceFacts, licence_facts, service_codes, tally
from vats.registers.workpacks.service import DRAFT, frozen_prefill, plan_for
from vats.rules.workpack import Prefilled, Problem
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

REMEMBERED = 200_000
"""Workpack outcomes kept per process; past this the memory starts afresh."""


@dataclass(frozen=True, slots=True)
class Generated:
    """One workpack as a portfolio run leaves it: what an overview lists (the page shows the rest)."""

    workpack_id: int
    licence: str
    status: str
    remaining: int
    problems: tuple[Problem, ...]

    @property
    def blocking(self) -> int:
        return sum(1 for p in self.problems if p.blocking)


@dataclass(frozen=True, slots=True)
class _Head:
    """A live licence's plain columns: enough to count for it and to tell whether it changed."""

    number: str
    company: str
    organisation_id: int | None
    version: int
    updated_at: Any


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    status: str
    values: dict[str, Any]
    frozen: dict[str, Any] | None
    version: int


@dataclass
class _Memory:
    """Outcomes of one database's workpacks for one form and the year's source texts."""

    form: AnnualReportForm
    sources: tuple[str, ...]
    outcomes: dict[int, tuple[tuple[Any, ...], Generated]]

    def check(self, sources: tuple[str, ...]) -> None:
        """Forget every outcome when the year's source texts changed (the reply deadline setting)."""
        if sources != self.sources:
            self.outcomes.clear()
            self.sources = sources


_MEMORY: dict[tuple[str, int], _Memory] = {}
_LOCK = threading.Lock()


def generate_workpacks(session: Session, *, year: int, licences: list[str] | None = None) -> list[Generated]:
    """Every visible live licence's workpack for a year, in licence number order."""
    form = load_form(year)
    where: list[Any] = []
    if licences is not None:
        where.append(LicenceRecord.number.in_(licences))
    where += scope_of(session).where(LicenceRecord.organisation_id, unowned=True)
    memory = _memory(session, form)
    # with nothing remembered every licence's facts are needed: read them at once
    records = None if memory.outcomes else licence_facts(session, where=where)
    heads: Sequence[_Head | LicenceFacts] = records if records is not None else _heads(session, where=where)
    whole = licences is None and scope_of(session).unrestricted
    stored = _stored(session, year=year, numbers=None if whole else [h.number for h in heads])
    new = [h for h in heads if h.number not in stored]
    if new:
        stored.update(_create(session, year=year, heads=new))
    found = tally(session, heads, year=year, whole_portfolio=whole)
    memory.check(tuple(found.sources.values()))
    out: dict[str, Generated] = {}
    inputs: dict[str, tuple[Any, ...]] = {}
    for h in heads:
        wp = stored[h.number]
        key = (h.number, h.version, h.updated_at, wp.version, wp.status, wp.values, found.inputs(h))
        kept = memory.outcomes.get(wp.id)
        if kept is not None and kept[0] == key and wp.frozen is None:
            out[h.number] = kept[1]
        else:
            inputs[h.number] = key
    if inputs:
        if records is None:
            few = len(inputs) < len(heads)
            records = licence_facts(session, where=[LicenceRecord.number.in_(list(inputs))] if few else where)
        for record in records:
            if record.number not in inputs:
                continue
            wp = stored[record.number]
            known: Mapping[str, Prefilled] = frozen_prefill(wp.frozen) if wp.frozen else found.known(record)
            plan = plan_for(form, tuple(service_codes(record)))
            eff = plan.effective(wp.values, known)
            missing = plan.remaining(eff)
            problems = plan.validate(eff, prefill=known, missing=missing)
            out[record.number] = done = Generated(
                wp.id, record.number, wp.status, len(missing), tuple(problems)
            )
            memory.outcomes[wp.id] = (inputs[record.number], done)
    return [out[h.number] for h in heads if h.number in out]  # one archived meanwhile is left out


def forget() -> None:
    """Drop every remembered outcome: the next run does the whole work, as in a new process."""
    with _LOCK:
        _MEMORY.clear()


def _memory(session: Session, form: AnnualReportForm) -> _Memory:
    """This database's remembered outcomes for a year, emptied when the form changed."""
    key = (session.connection().engine.url.render_as_string(hide_password=True), form.year)
    with _LOCK:
        memory = _MEMORY.get(key)
        if memory is None or memory.form is not form:
            memory = _MEMORY[key] = _Memory(form, (), {})
        if sum(len(m.outcomes) for m in _MEMORY.values()) > REMEMBERED:
            for m in _MEMORY.values():
                m.outcomes.clear()
    return memory


def _heads(session: Session, *, where: Sequence[Any]) -> list[_Head]:
    """Live licences matching `where` as plain columns (no parsed document), in number order."""
    r = LicenceRecord
    # the update time only as a marker of change, so compared as stored (no datetime decoding)
    stmt = (
        select(r.number, r.company, r.organisation_id, r.version, type_coerce(r.updated_at, String))
        .where(r.archived.is_(False), *where)
        .order_by(r.number)
    )
    return [_Head(*row) for row in session.execute(stmt)]


def _stored(session: Session, *, year: int, numbers: list[str] | None) -> dict[str, _Stored]:
    """The year's workpacks by licence (None: every licence's)."""
    w = Workpack
    stmt = select(w.licence, w.id, w.status, w.values, w.frozen, w.version).where(w.year == year)
    if numbers is not None:
        stmt = stmt.where(w.licence.in_(numbers))
    return {row[0]: _Stored(row[1], row[2], row[3] or {}, row[4], row[5]) for row in session.execute(stmt)}


def _create(session: Session, *, year: int, heads: Sequence[_Head | LicenceFacts]) -> dict[str, _Stored]:
    """Draft workpacks for these licences, inserted in one statement and audited row by row."""
    from vats.store.audit import log_inserts

    now = clock.now_utc()
    rows: list[dict[str, Any]] = [
        {
            "licence": h.number,
            "organisation_id": h.organisation_id,
            "status": DRAFT,
            "year": year,
            "values": {},
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for h in heads
    ]
    session.execute(insert(cast(Table, Workpack.__table__)), rows)  # one executemany, no per-row RETURNING
    ids = dict(session.execute(select(Workpack.licence, Workpack.id).where(Workpack.year == year)).all())
    for row in rows:
        row["id"] = ids[row["licence"]]
    log_inserts(session, Workpack, rows)
    return {h.number: _Stored(ids[h.number], DRAFT, {}, None, 1) for h in heads}
