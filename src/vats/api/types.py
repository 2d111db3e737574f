"""Pydantic field types for API output.

SQLite hands back naive datetimes even for `DateTime(timezone=True)` columns; vats stores UTC, so a
naive value is UTC. `UtcDateTime` makes every timestamp in a response RFC 3339 with an offset, as
the OpenAPI `date-time` format promises.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
