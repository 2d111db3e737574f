"""Obligations derived from rules, and the events that trigger them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from vats.model.findings import Finding
from vats.model.sources import SourceRef


class ObligationStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SATISFIED = "satisfied"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"


class RuleKind(StrEnum):
    DEADLINE = "deadline"  # one date derived from the licence (e.g. renewal before expiry)
    RECURRING = "recurring"  # a calendar window each period (annual report in Q1)
    EVENT = "event"  # N days after/before a recorded event (disposal, change decision)
    CONTINUOUS = "continuous"  # always in force (display the number, keep logs)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to a licensee: plain data so the engine needs no database."""

    type: str
    date: date
    licence: str | None = None  # canonical licence number; None = every licence of the holder
    id: str | None = None
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Obligation:
    """One dated (or continuous) duty of one licence, with its status and a readable derivation.

    `explanation` is any sequence of lines: the engine hands over one that renders its text the first
    time it is read, because most readers of a portfolio (counts, findings, the status cache) never
    read it and writing ~250,000 bilingual derivations up front was a fifth of an evaluation.
    """

    rule_id: str
    licence: str
    title_zh: str
    title_en: str
    kind: RuleKind
    status: ObligationStatus
    due_date: date | None
    window_start: date | None = None
    subject: str | None = None  # site domain, event id, reporting year …
    provisional: bool = False
    provisional_reason: str | None = None
    conditional: str | None = None  # e.g. "only if the licence is renewed"
    explanation: Sequence[str] = ()  # numbered steps, Chinese then English line per step
    sources: tuple[SourceRef, ...] = ()
    evidence_required: str | None = None
    satisfied_by: str | None = None  # event id or evidence reference
    completed_on: date | None = None  # when the satisfying event happened
    late: bool = False  # satisfied, but after the due date (a finding in its own right)
    anchor_date: date | None = None  # the date the period is counted from (expiry, event, window end)
    event_id: str | None = None  # the triggering event, for event-driven obligations
    due_at: datetime | None = None  # Beijing time, for deadlines counted in hours (due_date is its date)

    @property
    def key(self) -> str:
        """Stable identity across runs: used for ICS UIDs and notification de-duplication."""
        return f"{self.licence}|{self.rule_id}|{self.subject or ''}"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What `vats.rules.engine.evaluate` returns: obligations (overdue first, then by due date) and the
    findings derived from them."""

    obligations: list[Obligation]
    findings: list[Finding]
    as_of: date | None = None
