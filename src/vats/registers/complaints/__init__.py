"""用户投诉登记 — the complaints register (licence provision 五; Order 24 art. 12: reply within 15 days).

State machine: open --reply--> replied --close--> closed.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "complaint",
    initial="open",
    edges=[("open", "reply", "replied"), ("replied", "close", "closed")],
    open_states=("open",),
    labels={"open": "待答复", "replied": "已答复", "closed": "已结案"},
)

INFO = register(
    RegisterInfo(
        key="complaint",
        plural="complaints",
        title_zh="用户投诉",
        title_en="Complaints",
        model="vats.registers.complaints.models:Complaint",
        machine=MACHINE,
    )
)
