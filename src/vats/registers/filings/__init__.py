"""申报材料登记 — annual reports (licence provision 十四), renewal, not-continuing and change
applications, with their receipt numbers and attached files.

State machine: draft --submit--> submitted --close--> closed; files may be attached until closed.
"""

from vats.registers.states import RegisterInfo, machine, register

MACHINE = machine(
    "filing",
    initial="draft",
    edges=[
        ("draft", "attach", "draft"),
        ("draft", "submit", "submitted"),
        ("submitted", "attach", "submitted"),
        ("submitted", "close", "closed"),
    ],
    open_states=("draft",),
    labels={"draft": "准备中", "submitted": "已提交", "closed": "已办结"},
)

INFO = register(
    RegisterInfo(
        key="filing",
        plural="filings",
        title_zh="申报材料",
        title_en="Filings",
        model="vats.registers.filings.models:Filing",
        machine=MACHINE,
    )
)
