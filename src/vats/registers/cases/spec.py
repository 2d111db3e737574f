"""违法信息处置登记 — disposal cases of illegal information (licence provision 九, Order 292 art. 16).

State machine: open --dispose--> disposed --report--> reported --close--> closed. Disposing records
`illegal_info_disposed` and reporting `illegal_info_reported`; the rules engine derives the "report
within 10 working days of disposal" deadline from that pair, so the register never counts days.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vats.registers.cases.schemas import SHAPES, CaseDispose, CaseReport
from vats.registers.spec import CLOSE, Implied, Listing, Order, RegisterSpec, Step, Values
from vats.registers.states import flow

MACHINE = flow(
    "case",
    "open --dispose--> disposed --report--> reported --close--> closed",
    open_states=("open", "disposed"),
)


def implied_events(case: Any) -> list[Implied]:
    """Disposal (starts the 10 working days) and, once made, the report."""
    out = []
    if case.disposed_at is not None:
        out.append(Implied("illegal_info_disposed", case.disposed_at))
    if case.reported_at is not None:
        out.append(Implied("illegal_info_reported", case.reported_at))
    return out


def _records_ref_needed(values: Values) -> Iterable[str]:
    # Provision 九 requires the records to be kept; say where, so an inspector can find them.
    return ("records_ref",) if values.get("records_kept", True) else ()


STEPS = (
    Step("dispose", CaseDispose, needs=_records_ref_needed),
    Step("report", CaseReport),
    CLOSE,
)
LISTING = Listing(
    ("site", "category", "discovered_at", "disposed_at", "reported_at"), order_by=("discovered_at",)
)

SPEC = RegisterSpec(
    "cases",
    "vats.registers.cases.models:DisposalCase",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    order=(Order("disposed_at", "discovered_at"), Order("reported_at", "disposed_at")),
    cli_options={"content_ref": "--content", "receipt_no": "--receipt", "records_kept": "--no-records"},
)
