"""The trigger registry: one handler per trigger type of the rules library, each in a module of its own.

A handler turns one rule and one licence (with its events) into obligations. Adding a trigger type is a
module with its handler and a line here; the run looks handlers up by `rule.trigger.type` once per
licence shape, never per licence."""

from __future__ import annotations

from collections.abc import Callable

from vats.model.licence import Licence
from vats.model.obligations import Obligation
from vats.reference.rules_library import Rule
from vats.rules.engine.context import _Ctx
from vats.rules.engine.index import LicenceEvents
from vats.rules.engine.triggers.continuous import _continuous
from vats.rules.engine.triggers.dates import _licence_dates
from vats.rules.engine.triggers.events import _events
from vats.rules.engine.triggers.windows import _windows

_Handler = Callable[[_Ctx, Rule, Licence, LicenceEvents], list[Obligation]]
_HANDLERS: dict[str, _Handler] = {
    "licence_expiry": _licence_dates,
    "licence_issue": _licence_dates,
    "calendar_window": _windows,
    "event": _events,
    "always": _continuous,
}
