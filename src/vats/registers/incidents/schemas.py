"""Request and response shapes of the incidents register. Times without a zone are Beijing time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text, UtcDateTime
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes


class IncidentCreate(InputModel):
    licence: LicenceNo
    kind: Code("incident_kinds")  # type: ignore[valid-type]
    severity: Code("incident_severities")  # type: ignore[valid-type]
    title: Text
    started_at: datetime
    discovered_at: datetime | None = None
    affected_users: int | None = Field(default=None, ge=0)
    note: LongText | None = None


class IncidentContain(InputModel):
    contained_at: datetime


class IncidentReport(InputModel):
    reported_at: datetime
    report_ref: Bounded(200) | None = None  # type: ignore[valid-type]


class IncidentFollowUp(InputModel):
    at: datetime
    note: LongText


class IncidentFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    kind: str | None = None
    open_only: bool = False


class IncidentOut(RecordOut):
    kind: str
    severity: str
    title: str
    affected_users: int | None
    started_at: UtcDateTime
    discovered_at: UtcDateTime | None
    contained_at: UtcDateTime | None
    reported_at: UtcDateTime | None
    report_ref: str | None
    follow_ups: list[dict[str, Any]]


SHAPES = Shapes(IncidentCreate, IncidentOut, IncidentFilters)
