"""The audit of one licence: intrinsic validation plus (added by the rules engine) obligation findings.

Kept deliberately small: `vats audit`, the API and reports call `audit_licence`, so whatever a licence
audit means is decided here, in one place, and sorted most serious first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from vats.model.findings import Finding
from vats.model.licence import Licence
from vats.model.obligations import Event
from vats.rules.validate import validate


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; stable within a severity so check order (dates, number, sites) is kept."""
    return sorted(findings, key=lambda f: f.severity.rank)


def audit_licence(licence: Licence, *, as_of: date, events: Sequence[Event] = ()) -> list[Finding]:
    """Every finding for `licence` as of `as_of`, most severe first.

    `events` (renewal applied, reports filed …) feed the obligation findings the rules engine adds.
    """
    return sort_findings(validate(licence, as_of=as_of))
