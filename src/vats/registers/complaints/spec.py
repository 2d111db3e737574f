"""用户投诉登记 — the complaints register (licence provision 五; Order 24 art. 12: reply within 15 days).

State machine: open --reply--> replied --close--> closed. Receipt starts the 15-day reply clock
(`complaint_received`), the reply stops it (`complaint_replied`); the rules engine owns the arithmetic.
"""

from __future__ import annotations

from typing import Any

from vats.registers.complaints.schemas import SHAPES, ComplaintReply
from vats.registers.spec import CLOSE, Implied, Listing, Order, RegisterSpec, Step
from vats.registers.states import flow

MACHINE = flow("complaint", "open --reply--> replied --close--> closed", open_states=("open",))


def implied_events(complaint: Any) -> list[Implied]:
    """Receipt (starts the 15-day reply clock, with its channel) and, once given, the reply."""
    out = [Implied("complaint_received", complaint.received_at, {"channel": complaint.channel})]
    if complaint.replied_at is not None:
        out.append(Implied("complaint_replied", complaint.replied_at))
    return out


STEPS = (Step("reply", ComplaintReply), CLOSE)
LISTING = Listing(
    ("received_at", "channel", "topic", "complainant_ref", "replied_at"), order_by=("received_at",)
)

SPEC = RegisterSpec(
    "complaints",
    "vats.registers.complaints.models:Complaint",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    order=(Order("replied_at", "received_at"),),
    cli_options={"complainant_ref": "--complainant"},
)
