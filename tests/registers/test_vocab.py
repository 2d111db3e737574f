"""Register vocabularies are data with a validating loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.model.errors import InputError
from vats.registers.vocab import VOCAB_PATH, code_of, load_vocabulary, vocabulary

KNOWN_EVENTS = Path(__file__).resolve().parents[2] / "src/vats/reference/rules/event_types.yaml"


def test_order_292_art_15_has_nine_headings_in_both_languages() -> None:
    items = vocabulary().categories.items
    assert len(items) == 9
    assert all(t.zh and t.en for t in items)
    assert vocabulary().categories.source is not None


def test_every_event_named_in_the_vocabulary_exists_in_the_rules_event_types() -> None:
    import yaml

    types = {e["type"] for e in yaml.safe_load(KNOWN_EVENTS.read_text(encoding="utf-8"))["event_types"]}
    v = vocabulary()
    named = {
        name
        for lst in (v.assessment_kinds, v.change_kinds, v.filing_kinds)
        for t in lst.items
        for name in (t.event, t.done_event)
        if name
    }
    assert named <= types, named - types


def test_change_kinds_cover_the_brief_and_name_their_date_basis() -> None:
    codes = set(vocabulary().change_kinds.codes())
    assert codes == {
        "merger",
        "split",
        "shareholder",
        "name",
        "legal_representative",
        "capital",
        "address",
        "scope",
        "coverage",
        "local_org",
    }
    assert all(t.date_basis for t in vocabulary().change_kinds.items)


def test_unknown_code_error_lists_the_allowed_codes() -> None:
    with pytest.raises(InputError) as info:
        vocabulary().term("incident_kinds", "meteor", field="kind")
    assert "pi_leak" in info.value.message and info.value.field == "kind"
    with pytest.raises(ValueError, match="outage"):
        code_of("incident_kinds")("meteor")
    assert code_of("incident_kinds")(" outage ") == "outage"


def test_bad_file_names_file_line_and_field(tmp_path: Path) -> None:
    text = VOCAB_PATH.read_text(encoding="utf-8").replace("- {code: stop,", "- {cod: stop,", 1)
    bad = tmp_path / "vocab.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_vocabulary(bad)
    assert info.value.source == str(bad)
    assert info.value.line is not None and "cod" in (info.value.field or "")


def test_duplicate_codes_are_refused(tmp_path: Path) -> None:
    text = VOCAB_PATH.read_text(encoding="utf-8").replace("{code: delete,", "{code: stop,", 1)
    bad = tmp_path / "vocab.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="duplicate"):
        load_vocabulary(bad)
