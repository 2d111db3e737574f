"""The rules library loader: the bundled files load, and malformed files fail with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vats.model.errors import ExitCode, InputError
from vats.model.obligations import RuleKind
from vats.reference.rules_library import RULES_DIR, load_library


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


def test_bundled_library_loads() -> None:
    lib = load_library()
    ids = [r.id for r in lib.rules]
    assert len(ids) == len(set(ids)) >= 30
    assert {k.value for k in RuleKind} == {r.kind.value for r in lib.rules}
    for rule in lib.rules:
        assert rule.title.zh and rule.title.en and rule.explanation.zh and rule.explanation.en
        assert rule.sources, rule.id


def test_unconfirmed_rules_are_configurable() -> None:
    for rule in load_library().rules:
        if rule.unconfirmed:
            assert rule.deadline is not None and rule.deadline.setting, rule.id


def test_unknown_field_names_file_line_and_field(rules_dir: Path) -> None:
    path = rules_dir / "licence.yaml"
    _edit(path, "    kind: deadline\n", "    kind: deadline\n    colour: red\n")
    with pytest.raises(InputError) as exc:
        load_library(rules_dir)
    err = exc.value
    assert err.source == str(path) and err.line == _line_of(path, "colour: red")
    assert err.field == "rules.0.colour" and "unknown field" in err.message
    assert err.exit_code is ExitCode.BAD_INPUT


def test_missing_catalogue_code_is_an_error(rules_dir: Path) -> None:
    path = rules_dir / "retention.yaml"
    _edit(path, "applies: {services: [B21]}", "applies: {services: [B99]}")
    with pytest.raises(InputError, match="B99") as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.0.applies.services.0" and exc.value.line is not None


def test_unknown_event_type_is_an_error(rules_dir: Path) -> None:
    path = rules_dir / "security.yaml"
    _edit(path, "satisfied_by: [illegal_info_reported]", "satisfied_by: [illegal_info_reportd]")
    with pytest.raises(InputError, match="illegal_info_reportd") as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.0.satisfied_by.0"


def test_bad_enum_value(rules_dir: Path) -> None:
    path = rules_dir / "changes.yaml"
    _edit(
        path,
        "deadline: {offset: 30, unit: days, direction: after}",
        "deadline: {offset: 30, unit: weeks, direction: after}",
    )
    with pytest.raises(InputError, match="invalid value") as exc:
        load_library(rules_dir)
    assert exc.value.field is not None and exc.value.field.startswith("rules.0.deadline.unit")


def test_duplicate_rule_id(rules_dir: Path) -> None:
    _edit(rules_dir / "conduct.yaml", "id: conduct.fees", "id: licence.renewal")
    with pytest.raises(InputError, match="duplicate rule id"):
        load_library(rules_dir)


def test_provision_pointing_at_missing_rule(rules_dir: Path) -> None:
    path = rules_dir / "provisions.yaml"
    _edit(path, "rules: [conduct.general_compliance]", "rules: [conduct.nope]")
    with pytest.raises(InputError, match=r"conduct\.nope") as exc:
        load_library(rules_dir)
    assert exc.value.line == _line_of(path, "conduct.nope")


def test_yaml_syntax_error_has_line(rules_dir: Path) -> None:
    path = rules_dir / "conduct.yaml"
    path.write_text("rules:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid YAML") as exc:
        load_library(rules_dir)
    assert exc.value.line is not None and exc.value.source == str(path)


def test_sources_must_be_catalogued(rules_dir: Path) -> None:
    path = rules_dir / "licence.yaml"
    _edit(path, "ref: order-42", "ref: order-420")
    with pytest.raises(InputError, match="order-420") as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.0.sources.0.ref" and exc.value.line is not None
    _edit(path, "ref: order-420", "instrument: 电信业务经营许可管理办法")  # a spelling the catalogue lacks
    with pytest.raises(InputError, match=r"sources\.yaml") as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.0.sources.0.instrument"


def test_each_instrument_is_spelled_one_way() -> None:
    """Rules, validation, checks and register vocabularies print the catalogue's short name."""
    from typing import get_args

    from vats.checks import legal
    from vats.reference.sources import catalogue
    from vats.registers.vocab import ListName, vocabulary
    from vats.rules import validate

    shorts = {item.short for item in catalogue().values()}
    used = {s.ref.instrument for rule in load_library().rules for s in rule.sources}
    used |= {validate.REGULATIONS, validate.ORDER_42, legal.TELECOM_REGULATIONS, legal.ORDER_292}
    lists = [vocabulary().terms(name) for name in get_args(ListName)]
    specs = [tl.source for tl in lists] + [t.source for tl in lists for t in tl.items]
    used |= {spec.ref().instrument for spec in specs if spec is not None}
    assert used <= shorts
    assert validate.REGULATIONS == legal.TELECOM_REGULATIONS == "电信条例"
