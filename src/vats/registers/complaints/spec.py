"""用户投诉登记 — the complaints register (licence provision 五; Order 24 art. 12: reply within 15 days).

State machine: open --reply--> replied --close--> closed. Receipt starts the 15-day reply clock
(`complaint_received`), the reply stops it (`complaint_replied`); the rules engine owns the arithmetic.
"""

from __future__ import annotations

from typing import Any

from vats.registers.complaints.schemas import ComplaintCreate, ComplaintFilters, ComplaintOut, ComplaintReply
from vats.registers.spec import Implied, Label, Order, RegisterSpec, Step
from vats.registers.states import machine

MACHINE = machine(
    "complaint",
    initial="open",
    edges=[("open", "reply", "replied"), ("replied", "close", "closed")],
    open_states=("open",),
    labels={"open": "待答复", "replied": "已答复", "closed": "已结案"},
)


def implied_events(complaint: Any) -> list[Implied]:
    """Receipt (starts the 15-day reply clock, with its channel) and, once given, the reply."""
    out = [Implied("complaint_received", complaint.received_at, {"channel": complaint.channel})]
    if complaint.replied_at is not None:
        out.append(Implied("complaint_replied", complaint.replied_at))
    return out


SPEC = RegisterSpec(
    key="complaint",
    plural="complaints",
    title=Label("用户投诉", "Complaints"),
    noun=Label("投诉", "complaint"),
    model="vats.registers.complaints.models:Complaint",
    machine=MACHINE,
    create=ComplaintCreate,
    create_summary=Label("登记投诉", "Register a complaint (starts the 15-day reply clock)"),
    out=ComplaintOut,
    filters=ComplaintFilters,
    steps=(
        Step("reply", ComplaintReply, Label("登记答复", "Record the reply to the complainant")),
        Step("close", None, Label("结案", "Close a replied complaint")),
    ),
    implied_events=implied_events,
    labels={
        "received_at": Label("收到日期", "Received"),
        "channel": Label("渠道", "Channel"),
        "topic": Label("投诉事项", "Subject"),
        "complainant_ref": Label("投诉人编号", "Complainant reference"),
        "summary": Label("摘要", "Summary"),
        "replied_at": Label("答复日期", "Replied"),
        "reply_ref": Label("答复记录", "Reply reference"),
    },
    columns=("received_at", "channel", "topic", "complainant_ref", "replied_at"),
    order_by=("received_at",),
    order=(Order("replied_at", "received_at", Label("收到日期", "receipt")),),
    cli_options={"complainant_ref": "--complainant"},
)
