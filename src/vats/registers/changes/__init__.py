"""公司变更登记 — corporate changes that must be applied for or reported to the issuing authority
(licence provisions 十一 and 十二; Order 42 arts. 28–29; Telecommunications Regulations art. 15).

State machine: open --file--> filed --close--> closed.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "change",
    initial="open",
    edges=[("open", "file", "filed"), ("filed", "close", "closed")],
    open_states=("open",),
    labels={"open": "待申请", "filed": "已申请", "closed": "已办结"},
)

INFO = register(
    RegisterInfo(
        key="change",
        plural="changes",
        title_zh="公司变更",
        title_en="Corporate changes",
        model="vats.registers.changes.models:CorporateChange",
        machine=MACHINE,
    )
)
