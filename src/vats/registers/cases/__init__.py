"""违法信息处置登记 — disposal cases of illegal information (licence provision 九, Order 292 art. 16).

State machine: open --dispose--> disposed --report--> reported --close--> closed.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "case",
    initial="open",
    edges=[
        ("open", "dispose", "disposed"),
        ("disposed", "report", "reported"),
        ("reported", "close", "closed"),
    ],
    open_states=("open", "disposed"),
    labels={"open": "待处置", "disposed": "已处置待上报", "reported": "已上报", "closed": "已结案"},
)

INFO = register(
    RegisterInfo(
        key="case",
        plural="cases",
        title_zh="违法信息处置",
        title_en="Illegal-information disposal cases",
        model="vats.registers.cases.models:DisposalCase",
        machine=MACHINE,
    )
)
