"""The renewal horizon: how many days before expiry the renewal duty falls due, and so when a licence
counts as "expiring".

One number with one home: the `licence.renewal` rule in the rules library (its deadline offset, Order
42 art. 27 and the licence's own provision), overridden by the `renewal_days_before` setting when a
deployment configures it. Validation, the engine and every "expiring" label read it here.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vats.model.sources import SourceRef
    from vats.rules.settings import EngineSettings

RENEWAL_RULE = "licence.renewal"


@cache
def _rule() -> tuple[str | None, int, tuple[SourceRef, ...]]:
    from vats.reference.rules_library import default_library

    rule = default_library().rule(RENEWAL_RULE)
    if rule is None or rule.deadline is None or rule.deadline.offset is None:
        raise LookupError(f"the rules library has no {RENEWAL_RULE} deadline offset")
    return rule.deadline.setting, rule.deadline.offset, tuple(s.ref for s in rule.sources)


def renewal_days_before(settings: EngineSettings | None = None) -> int:
    """Days before expiry that renewal must be applied for: the configured number, else the rule's."""
    setting, offset, _ = _rule()
    return settings.number(setting, offset) if settings is not None else offset


def renewal_sources() -> tuple[SourceRef, ...]:
    """The sources the renewal rule cites, for findings that speak about the same duty."""
    return _rule()[2]
