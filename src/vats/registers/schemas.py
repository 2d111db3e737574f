"""Pydantic pieces every register's schemas share: text types, vocabulary codes, the common output
fields and the due summary. No SQLAlchemy here: the specs import it at CLI start-up.

Concept schemas follow one family — `<X>Create`, one model per transition (`<X>Dispose` …),
`<X>Filters` and `<X>Out` — so the API, the CLI's `--json` and the web UI see the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from vats.model.clock import as_utc, minute_iso
from vats.registers.vocab import ListName, code_of

if TYPE_CHECKING:
    from vats.registers.events import DueSummary

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
LicenceNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=64)]


@dataclass(frozen=True, slots=True)
class Vocab:
    """Marks a field as a code of one vocabulary list, so forms and prompts can offer its terms."""

    name: ListName


def Bounded(max_length: int) -> Any:  # noqa: N802 - reads like a type in schema declarations
    """Text of at most `max_length` characters: the length of the `String` column that stores it, so
    a longer value is a 422 naming the field rather than a database error."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


# Every instant in an output schema: RFC 3339 with an offset, as OpenAPI's `date-time` promises.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


def Code(name: ListName) -> Any:  # noqa: N802 - reads like a type in schema declarations
    """A string restricted to one vocabulary list, e.g. `category: Code("categories")`."""
    return Annotated[str, AfterValidator(code_of(name)), Vocab(name)]


def vocab_of(field: Any) -> ListName | None:
    """The vocabulary list a pydantic field (`FieldInfo`) is restricted to, if any."""
    return next((m.name for m in field.metadata if isinstance(m, Vocab)), None)


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
