"""Stored events come back as JSON; `typed_fields` restores the vocabulary's date fields."""

from __future__ import annotations

from datetime import date

from vats.rules.events import typed_fields


def test_date_fields_are_restored_from_text() -> None:
    fields = typed_fields(
        "entity_change_decided", {"change_kind": "shareholder", "effective_date": "2026-12-01"}
    )
    assert fields == {"change_kind": "shareholder", "effective_date": date(2026, 12, 1)}


def test_other_fields_and_unknown_types_are_left_alone() -> None:
    assert typed_fields("illegal_info_disposed", {"subject": "case:1"}) == {"subject": "case:1"}
    assert typed_fields("no_such_type", {"effective_date": "2026-12-01"}) == {"effective_date": "2026-12-01"}
    # text that is not a date stays as it was (the vocabulary check reports it where input enters)
    assert typed_fields("entity_change_decided", {"effective_date": "soon"}) == {"effective_date": "soon"}
