"""Field types every register's input and output models are declared with: bounded text, licence
numbers, vocabulary codes and instants written with their offset. Kept apart from the base models
(`vats.registers.schemas`) so a register's schemas module names each kind of piece once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

from vats.model.clock import as_utc
from vats.registers.vocab import ListName, code_of

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
