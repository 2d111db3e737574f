"""Request and response shapes of the complaints register."""

from __future__ import annotations

from datetime import date

from vats.registers.fields import Bounded, Code, LicenceNo, LongText, Text
from vats.registers.schemas import InputModel, RecordOut
from vats.registers.spec import Shapes


class ComplaintCreate(InputModel):
    licence: LicenceNo
    received_at: date
    channel: Code("complaint_channels")  # type: ignore[valid-type]
    topic: Code("complaint_subjects")  # type: ignore[valid-type]
    complainant_ref: Bounded(200)  # type: ignore[valid-type]
    summary: LongText | None = None
    note: LongText | None = None


class ComplaintReply(InputModel):
    replied_at: date
    reply_ref: Text | None = None


class ComplaintFilters(InputModel):
    licence: str | None = None
    status: str | None = None
    channel: str | None = None
    open_only: bool = False


class ComplaintOut(RecordOut):
    received_at: date
    channel: str
    topic: str
    complainant_ref: str
    summary: str | None
    replied_at: date | None
    reply_ref: str | None


SHAPES = Shapes(ComplaintCreate, ComplaintOut, ComplaintFilters)
