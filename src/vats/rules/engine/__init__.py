"""The obligations engine: licences + events + a date -> dated obligations with status and derivation.

`evaluate` is pure and deterministic: the same inputs give the same list in the same order. It never
reads the clock or a database; the calendar and rules come from data files (cached). Events are indexed
once by licence and type, so each licence only looks at its own events (the naive approach of scanning
every event for every licence is the baseline in benchmarks/bench_engine.py).

The package follows the engine's seams: `index` (events by licence and type), `applicability` (which
rules apply), `context` (one run's inputs and memo tables), `build` (fast construction, deferred
text), `triggers` (one module per trigger type behind a registry), `ordering` (portfolio order),
`run` (one evaluation) and `validity` (how long an evaluation stays true, for the status cache).
"""

from vats.rules.engine.applicability import EVENT_CONDITIONS, rule_applies
from vats.rules.engine.index import (
    RETRACTED,
    EventIndex,
    LicenceEvents,
    event_keys,
    event_order,
    event_subject,
    holder_groups,
    without_retracted,
)
from vats.rules.engine.run import evaluate, obligations_for
from vats.rules.engine.triggers.windows import held_since

__all__ = [
    "EVENT_CONDITIONS",
    "RETRACTED",
    "EventIndex",
    "LicenceEvents",
    "evaluate",
    "event_keys",
    "event_order",
    "event_subject",
    "held_since",
    "holder_groups",
    "obligations_for",
    "rule_applies",
    "without_retracted",
]
