"""Explanations and deadline steps are written on first read: they must read exactly like text written
at once, behave as immutable sequences and serialise like the tuples they replace."""

from __future__ import annotations

import json
from datetime import date

import pytest

from vats.model.licence import Licence
from vats.model.obligations import Event
from vats.model.serialise import dumps, to_jsonable
from vats.rules.calendar import default_calendar
from vats.rules.deferred import Deferred
from vats.rules.engine import evaluate

AS_OF = date(2026, 11, 28)


class _Counting(Deferred[str]):
    __slots__ = ("calls",)

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def _render(self) -> tuple[str, ...]:
        self.calls += 1
        return ("1. 甲", "   1. a")


def test_rendered_once_then_kept() -> None:
    lines = _Counting()
    assert lines.calls == 0
    assert list(lines) == ["1. 甲", "   1. a"] and len(lines) == 2 and lines[0] == "1. 甲"
    assert lines[-1:] == ("   1. a",) and "   1. a" in lines
    assert lines == ("1. 甲", "   1. a") and lines == ["1. 甲", "   1. a"] and lines != ("x",)
    assert hash(lines) == hash(("1. 甲", "   1. a")) and repr(lines) == repr(("1. 甲", "   1. a"))
    assert lines.calls == 1


def test_base_class_has_no_text_of_its_own() -> None:
    with pytest.raises(NotImplementedError):
        list(Deferred())


def test_explanation_reads_like_a_tuple_and_serialises_as_a_list(reference_licence: Licence) -> None:
    events = [Event("illegal_info_disposed", date(2026, 9, 28), licence=reference_licence.number, id="d1")]
    report = next(o for o in evaluate([reference_licence], events, AS_OF).obligations if o.event_id == "d1")
    text = tuple(report.explanation)
    assert text[0].startswith("1. 规则 illegal_info.report") and any("2026-10-16" in line for line in text)
    assert report.explanation == text
    data = to_jsonable(report)
    assert data["explanation"] == list(text)
    assert json.loads(dumps(report))["explanation"] == list(text)


def test_two_evaluations_are_equal_and_read_the_same(reference_licence: Licence) -> None:
    first = evaluate([reference_licence], [], AS_OF).obligations
    again = evaluate([reference_licence], [], AS_OF).obligations
    assert first == again
    assert [tuple(o.explanation) for o in first] == [tuple(o.explanation) for o in again]


def test_deadline_steps_are_written_when_read() -> None:
    result = default_calendar().add_period(date(2026, 9, 28), 10, "working_days", "after")
    assert result.date == date(2026, 10, 16)
    steps = list(result.steps)
    assert len(steps) == 2 and "2026-09-28" in steps[0].zh and "2026-10-16" in steps[1].en
    assert result.steps == tuple(steps)
