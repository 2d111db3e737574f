"""rules.engine.validity: the dates it gives are the days on which the engine's answer really changes."""

from __future__ import annotations

from datetime import date, timedelta

from vats.model.licence import Licence
from vats.model.obligations import Event, RuleKind
from vats.reference.rules_library import default_library
from vats.rules.engine import evaluate
from vats.rules.engine.validity import Validity, frames_stable_until, licence_keys
from vats.rules.settings import EngineSettings

AS_OF = date(2026, 3, 10)


def _windows(licence: Licence, as_of: date) -> set[tuple[str, str | None]]:
    """The recurring-window obligations the engine expands for `as_of` (rule and year)."""
    windowed = {r.id for r in default_library().rules if r.trigger.window is not None}
    return {
        (o.rule_id, o.subject) for o in evaluate([licence], [], as_of).obligations if o.rule_id in windowed
    }


def test_windows_stay_the_same_until_the_bound_and_change_the_day_after(reference_licence: Licence) -> None:
    settings = EngineSettings()
    bound = frames_stable_until(AS_OF, settings)
    assert AS_OF <= bound < AS_OF + timedelta(days=settings.horizon_days + settings.lookback_days)
    today = _windows(reference_licence, AS_OF)
    assert _windows(reference_licence, bound) == today
    assert _windows(reference_licence, bound + timedelta(days=1)) != today


def test_a_disabled_window_rule_sets_no_bound() -> None:
    windowed = [r.id for r in default_library().rules if r.trigger.window is not None]
    assert frames_stable_until(AS_OF, EngineSettings(disabled_rules=frozenset(windowed))) == date.max


def test_valid_until_takes_the_earliest_boundary(reference_licence: Licence) -> None:
    validity = Validity(AS_OF, EngineSettings())
    assert validity.valid_until(reference_licence, {}, []) == min(
        validity.frames, reference_licence.expiry_date
    )
    tomorrow_event = {reference_licence.number: AS_OF + timedelta(days=5)}
    assert validity.valid_until(reference_licence, tomorrow_event, []) == AS_OF + timedelta(days=4)
    assert None in licence_keys(reference_licence)


def test_a_settled_event_duty_is_valid_until_it_leaves_the_look_back(reference_licence: Licence) -> None:
    settings = EngineSettings()
    events = [
        Event(
            "complaint_received",
            date(2026, 3, 1),
            licence=reference_licence.number,
            id="c1",
            fields={"subject": "s1"},
        ),
        Event(
            "complaint_replied",
            date(2026, 3, 3),
            licence=reference_licence.number,
            id="r1",
            fields={"subject": "s1"},
        ),
    ]
    settled = [
        o
        for o in evaluate([reference_licence], events, AS_OF).obligations
        if o.kind is RuleKind.EVENT and o.completed_on is not None
    ]
    assert settled
    bound = Validity(AS_OF, settings).valid_until(reference_licence, {}, settled)
    assert bound <= min(o.due_date for o in settled if o.due_date) + timedelta(days=settings.lookback_days)
    assert bound >= AS_OF
