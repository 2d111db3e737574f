"""Pydantic pieces every register's schemas share: the input base, the common output fields and the
due summary; the field types live in `vats.registers.fields` and are re-exported here. No SQLAlchemy
here: the specs import it at CLI start-up.

Concept schemas follow one family — `<X>Create`, one model per transition (`<X>Dispose` …),
`<X>Filters` and `<X>Out` — so the API, the CLI's `--json` and the web UI see the same shapes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from vats.model.clock import minute_iso
from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text, UtcDateTime, Vocab, vocab_of

if TYPE_CHECKING:
    from vats.registers.events import DueSummary

__all__ = [
    "Bounded",
    "Code",
    "DueOut",
    "InputModel",
    "LicenceNo",
    "LongText",
    "RecordOut",
    "Text",
    "UtcDateTime",
    "Vocab",
    "vocab_of",
]


class InputModel(BaseModel):
    """Input schemas refuse unknown fields so a typo in an API body is an error, not silence."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DueOut(BaseModel):
    """The headline obligation of a record, as computed by the rules engine."""

    rule_id: str
    due_date: date | None
    status: str
    late: bool
    completed_on: date | None
    provisional: bool
    due_at: str | None = Field(
        default=None,
        description="北京时间，精确到分钟（按小时计算的期限）/ Beijing time to the minute, hour deadlines",
    )

    @classmethod
    def of(cls, due: DueSummary | None) -> DueOut | None:
        if due is None:
            return None
        return cls(
            rule_id=due.rule_id,
            due_date=due.due_date,
            status=due.label,
            late=due.late,
            completed_on=due.completed_on,
            provisional=due.provisional,
            due_at=None if due.due_at is None else minute_iso(due.due_at),
        )


class RecordOut(BaseModel):
    """Fields every register record shows, plus what may be done next and what is due."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    subject: str
    licence: str
    organisation_id: int | None
    status: str
    note: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    version: int
    actions: list[str] = []
    due: DueOut | None = None
