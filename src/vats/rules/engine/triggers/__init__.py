"""The trigger registry: one handler per trigger type of the rules library, each in a module of its own.

A handler turns one rule and one licence (with its events) into obligations. Adding a trigger type is a
module with its handler and a line here; the run looks handlers up by `rule.trigger.type` once per
licence shape, never per licence."""

from __future__ import annotations

from collections.abc import Callable

from vats.model.licence import Licence
from vats.model.obligations import Obligation
from vats.reference.rules_library import Rule
from vats.rules.engine.context import RunContext
from vats.rules.engine.index import LicenceEvents
from vats.rules.engine.triggers.continuous import continuous_duties
from vats.rules.engine.triggers.dates import licence_date_duties
from vats.rules.engine.triggers.events import event_duties
from vats.rules.engine.triggers.windows import window_duties

Handler = Callable[[RunContext, Rule, Licence, LicenceEvents], list[Obligation]]
HANDLERS: dict[str, Handler] = {
    "licence_expiry": licence_date_duties,
    "licence_issue": licence_date_duties,
    "calendar_window": window_duties,
    "event": event_duties,
    "always": continuous_duties,
}
