"""安全评估登记 — security assessments: new technology / new business (licence provisions 十五(八),
十六(七): written report within 30 days of completion) and Order 11 grading, conformity and risk.

State machine: planned --complete--> completed --report--> reported --close--> closed.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "assessment",
    initial="planned",
    edges=[
        ("planned", "complete", "completed"),
        ("completed", "report", "reported"),
        ("reported", "close", "closed"),
    ],
    open_states=("planned", "completed"),
    labels={"planned": "计划中", "completed": "已完成待报送", "reported": "已报送", "closed": "已归档"},
)

INFO = register(
    RegisterInfo(
        key="assessment",
        plural="assessments",
        title_zh="安全评估",
        title_en="Security assessments",
        model="vats.registers.assessments.models:Assessment",
        machine=MACHINE,
    )
)
