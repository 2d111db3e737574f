"""网络安全事件登记 — the incidents register (licence provision 八; Order 24 art. 14).

State machine: open --report--> reported --close--> closed; `contain` may be recorded once while
open or reported, `follow_up` reports may be added while reported, and closing needs containment.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "incident",
    initial="open",
    edges=[
        ("open", "contain", "open"),
        ("open", "report", "reported"),
        ("reported", "contain", "reported"),
        ("reported", "follow_up", "reported"),
        ("reported", "close", "closed"),
    ],
    open_states=("open", "reported"),
    labels={"open": "处置中待报告", "reported": "已报告", "closed": "已结束"},
)

INFO = register(
    RegisterInfo(
        key="incident",
        plural="incidents",
        title_zh="网络安全事件",
        title_en="Security incidents",
        model="vats.registers.incidents.models:Incident",
        machine=MACHINE,
    )
)
