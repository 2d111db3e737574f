"""网络安全事件登记 — the incidents register (licence provision 八; Order 24 art. 14).

State machine: open --report--> reported --close--> closed; `contain` may be recorded once while
open or reported, `follow_up` reports may be added while reported, and closing needs containment.
The start records `incident_occurred` (with the Beijing times of occurrence and discovery), the
first report `incident_reported`; the rules engine decides what "immediately" means (a number of
hours counted from discovery). Containment and follow-ups are kept on the record for the inspector;
they trigger no deadline of their own.
"""

from __future__ import annotations

from typing import Any

from vats.registers.incidents.schemas import SHAPES, IncidentContain, IncidentFollowUp, IncidentReport
from vats.registers.spec import Implied, Listing, Order, RegisterSpec, Step
from vats.registers.states import TransitionError, flow

MACHINE = flow(
    "incident",
    "open --report--> reported --close--> closed",
    open_states=("open", "reported"),
    loops={"contain": ("open", "reported"), "follow_up": ("reported",)},
)


def implied_events(incident: Any) -> list[Implied]:
    """Occurrence (severity, Beijing times of occurrence and discovery) and, once made, the report
    (its Beijing time); on their Beijing dates. Without a discovery time the start counts as found."""
    from vats.model.clock import china_date, minute_iso

    found = incident.discovered_at or incident.started_at
    occurred = {
        "severity": incident.severity,
        "occurred_at": minute_iso(incident.started_at),
        "discovered_at": minute_iso(found),
    }
    out = [Implied("incident_occurred", china_date(incident.started_at), occurred)]
    if incident.reported_at is not None:
        reported = {"reported_at": minute_iso(incident.reported_at)}
        out.append(Implied("incident_reported", china_date(incident.reported_at), reported))
    return out


def _contained_once(incident: Any, _data: Any) -> None:
    if incident.contained_at is not None:
        raise TransitionError("事件已登记控制时间 / containment already recorded", field="contained_at")


def _contained_before_closing(incident: Any, _data: Any) -> None:
    if incident.contained_at is None:
        raise TransitionError("请先登记控制时间 / record containment before closing", field="contained_at")


def _after_first_report(incident: Any, data: Any) -> None:
    from vats.model.clock import assume_beijing
    from vats.registers.base import not_before

    # the machine allows follow-ups only once reported, so the first report is there to compare with
    not_before(
        assume_beijing(data.at), incident.reported_at, field="at", earlier_name="首次报告 first report"
    )


def _append(incident: Any, data: Any) -> None:
    from vats.model.clock import assume_beijing

    # a new list, so SQLAlchemy sees the change (JSON columns are not mutation-tracked)
    incident.follow_ups = [
        *incident.follow_ups,
        {"at": assume_beijing(data.at).isoformat(), "note": data.note},
    ]


STEPS = (
    Step("contain", IncidentContain, guard=_contained_once),
    Step("report", IncidentReport),
    Step("follow_up", IncidentFollowUp, guard=_after_first_report, apply=_append, correctable=False),
    Step("close", guard=_contained_before_closing),
)
LISTING = Listing(
    ("kind", "severity", "started_at", "discovered_at", "contained_at", "reported_at"),
    order_by=("started_at",),
)

SPEC = RegisterSpec(
    "incidents",
    "vats.registers.incidents.models:Incident",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    order=(
        Order("discovered_at", "started_at"),
        Order("contained_at", "started_at"),
        Order("reported_at", "started_at"),
    ),
    cli_options={"contained_at": "--at", "reported_at": "--at"},
)
