"""How long an evaluation stays true: the last evaluation date on which a licence's obligations are
still exactly what `evaluate` computed for an earlier date.

The engine's output depends on the date beyond the overdue/due-soon split (which the status cache
derives from the stored due date in SQL): recurring windows are expanded only inside
[as_of − lookback, as_of + horizon], so a window enters or leaves on a precise day; settled event
obligations drop out `lookback` days after their due date; a homepage check stops counting as fresh
`evidence_max_age` days after it was done, an attested control turns due soon `due_soon_days` before
its next review; waivers and site checks count only from their own date;
"only if renewed" conditions start the day after expiry. Those rules live here, beside the engine
that applies them, so the store's cache cannot drift from it (`vats.store.obligation_refresh`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from vats.model.licence import Licence
from vats.model.obligations import Obligation, RuleKind
from vats.reference.rules_library import Library, default_library
from vats.rules.engine.index import event_keys
from vats.rules.engine.triggers.windows import window_span
from vats.rules.settings import EngineSettings


def frames_stable_until(as_of: date, settings: EngineSettings, library: Library | None = None) -> date:
    """Last day on which every recurring rule expands to the same windows as on `as_of`."""
    lo = as_of - timedelta(days=settings.lookback_days)
    hi = as_of + timedelta(days=settings.horizon_days)
    bound = date.max
    for rule in (library or default_library()).rules:
        w = rule.trigger.window
        if w is None or rule.id in settings.disabled_rules:
            continue
        for year in range(lo.year - 1, hi.year + 2):
            start, end = window_span(w, year)
            if start > hi:  # enters the expansion once as_of + horizon reaches its start
                bound = min(bound, start - timedelta(days=settings.horizon_days + 1))
            elif end >= lo:  # in the expansion until as_of - lookback passes its end
                bound = min(bound, end + timedelta(days=settings.lookback_days))
    return bound


def min_evidence_age(settings: EngineSettings, library: Library | None = None) -> int | None:
    """The shortest time any rule's evidence stays fresh, in days (None: no rule ages evidence)."""
    ages = [
        settings.number(r.evidence_max_age.setting, r.evidence_max_age.offset)
        for r in (library or default_library()).rules
        if r.evidence_max_age is not None
    ]
    return min(ages) if ages else None


def licence_keys(licence: Licence) -> set[str | None]:
    """The event keys that concern a licence, holder-wide (None) included."""
    return {*event_keys(licence), None}


class Validity:
    """One run's inputs of `valid_until`: the recurring-window bound and the evidence age (both read
    the rule library once), applied licence by licence."""

    def __init__(self, as_of: date, settings: EngineSettings, library: Library | None = None) -> None:
        self.as_of = as_of
        self.frames = frames_stable_until(as_of, settings, library)
        self.evidence_age = min_evidence_age(settings, library)
        self.lookback = timedelta(days=settings.lookback_days)
        self.due_soon = timedelta(days=settings.due_soon_days)

    def valid_until(
        self,
        licence: Licence,
        future: Mapping[str | None, date],
        obligations: Sequence[Obligation],
    ) -> date:
        """The last evaluation date for which `obligations` (computed for `as_of`) still hold, given the
        first event dated after `as_of` per event key (`future`)."""
        bound = self.frames
        if licence.expiry_date is not None and licence.expiry_date >= self.as_of:
            bound = min(bound, licence.expiry_date)
        for key in licence_keys(licence):
            day = future.get(key)
            if day is not None:  # an event dated later (waiver, check, answer) starts to count then
                bound = min(bound, day - timedelta(days=1))
        for o in obligations:
            if o.completed_on is None:
                continue
            if o.kind is RuleKind.EVENT and o.due_date is not None:
                bound = min(bound, o.due_date + self.lookback)  # settled: leaves the look-back
            elif o.kind is RuleKind.CONTINUOUS and o.due_date is not None:
                bound = min(bound, o.due_date - self.due_soon - timedelta(days=1))  # a control: due soon next
            elif o.kind is RuleKind.CONTINUOUS and self.evidence_age is not None:
                bound = min(bound, o.completed_on + timedelta(days=self.evidence_age))
        return max(bound, self.as_of)
