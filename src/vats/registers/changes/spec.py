"""公司变更登记 — corporate changes that must be applied for or reported to the issuing authority
(licence provisions 十一 and 十二; Order 42 arts. 28–29; Telecommunications Regulations art. 15).

State machine: open --file--> filed --close--> closed. Recording a change emits its kind's trigger
(`entity_change_decided`, `registration_changed` or `local_org_changed`, see vocab.yaml); filing
emits `change_application_filed` / `local_org_change_reported`. The rules engine derives both the
"30 days after the decision" and the "90 days before it takes effect" deadlines from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from vats.registers.changes.schemas import SHAPES, ChangeFile
from vats.registers.spec import CLOSE, Implied, Listing, Order, RegisterSpec, Step, Values
from vats.registers.states import flow
from vats.registers.vocab import Term, vocabulary

MACHINE = flow("change", "open --file--> filed --close--> closed", open_states=("open",))


def _term(kind: str) -> Term:
    return vocabulary().term("change_kinds", kind, field="kind")


def trigger_field(change: Any) -> str:
    """Which date the application clock starts on: the decision or the registration, per the kind."""
    return "decided_at" if _term(change.kind).date_basis == "decision" else "registered_at"


def trigger_date(change: Any) -> date:
    start: date | None = getattr(change, trigger_field(change))
    assert start is not None  # ChangeCreate requires the date the kind needs
    return start


def implied_events(change: Any) -> list[Implied]:
    """The kind's trigger event (on its decision or registration date; entity changes carry the date
    they take effect, which starts the "90 days before" clock) and, once filed, the filing."""
    term, out = _term(change.kind), []
    if term.event:
        fields: dict[str, object] = {}
        if term.event in ("entity_change_decided", "registration_changed"):
            fields["change_kind"] = change.kind
        if term.event == "entity_change_decided":
            fields["effective_date"] = change.effective_at
        out.append(Implied(term.event, trigger_date(change), fields))
    if change.filed_at is not None and term.done_event:
        out.append(Implied(term.done_event, change.filed_at))
    return out


def _date_the_kind_needs(values: Values) -> Iterable[str]:
    kind = values.get("kind")
    basis = _term(kind).date_basis if kind else None
    return {"decision": ("decided_at",), "registration": ("registered_at",)}.get(basis or "", ())


STEPS = (Step("file", ChangeFile), CLOSE)
LISTING = Listing(("kind", "decided_at", "registered_at", "effective_at", "filed_at"))

SPEC = RegisterSpec(
    "changes",
    "vats.registers.changes.models:CorporateChange",
    MACHINE,
    SHAPES,
    STEPS,
    implied_events,
    LISTING,
    order=(Order("effective_at", "decided_at"), Order("filed_at", trigger_field)),
    may_be_future=("effective_at",),
    create_needs=_date_the_kind_needs,
    cli_options={"receipt_no": "--receipt"},
)
