"""The rules library loader: the bundled files load, and malformed files fail with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vats.model.errors import ExitCode, InputError
from vats.model.obligations import RuleKind
from vats.reference.rules_library import CONTROL_EVENT, RULES_DIR, load_library
from vats.rules.settings import known_numbers


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


# controls (`attest_every`) and closed event values


def test_the_named_standing_duties_are_controls_with_a_setting_or_source() -> None:
    lib = load_library()
    controls = {r.id: r for r in lib.rules if r.attest_every is not None}
    assert {"security.staff_filing", "retention.network_logs", "privacy.protection"} <= set(controls)
    for rule in controls.values():
        att = rule.attest_every
        assert att is not None and (att.setting or att.source), rule.id
        assert CONTROL_EVENT in rule.satisfied_by
    assert controls["retention.network_logs"].attest_every.period == 6  # type: ignore[union-attr]
    assert known_numbers()["attest_security_staff_months"] == 12


def test_the_attestation_offers_the_controls_with_their_chinese_titles() -> None:
    lib = load_library()
    spec = lib.event_types[CONTROL_EVENT].fields["rule"]
    controls = [r for r in lib.rules if r.attest_every is not None]
    assert spec.required and spec.values == tuple(r.id for r in controls)
    assert spec.value_label("security.staff_filing") == "网络与信息安全人员和机构并报备"


def test_every_closed_event_value_has_a_chinese_label() -> None:
    for etype in load_library().event_types.values():
        for spec in etype.fields.values():
            for value in spec.values:
                assert spec.value_label(value) != value, (etype.type, value)


def test_a_closed_value_without_a_label_is_an_error(rules_dir: Path) -> None:
    _edit(rules_dir / "event_types.yaml", '          merger: {zh: "合并", en: "Merger"}\n', "")
    with pytest.raises(InputError) as exc:
        load_library(rules_dir)
    assert "merger" in exc.value.message and exc.value.field.endswith("value_labels")


def test_a_period_needs_a_source_or_a_setting(rules_dir: Path) -> None:
    path = rules_dir / "retention.yaml"
    _edit(path, "setting: attest_network_logs_months}", "}")
    with pytest.raises(InputError) as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.2.attest_every" and "setting" in exc.value.message


def test_a_period_may_cite_its_source_instead(rules_dir: Path) -> None:
    path = rules_dir / "retention.yaml"
    _edit(path, "setting: attest_network_logs_months}", "source: 2}")
    rule = load_library(rules_dir).rule("retention.network_logs")
    assert rule is not None and rule.attest_every is not None
    assert rule.attest_every.source is not None and rule.attest_every.source.article == "九"
    _edit(path, "source: 2}", "source: 7}")
    with pytest.raises(InputError):
        load_library(rules_dir)


def test_only_a_standing_per_licence_duty_can_be_a_control(rules_dir: Path) -> None:
    path = rules_dir / "security.yaml"
    _edit(
        path,
        "    trigger: {type: event, event: illegal_info_disposed}\n",
        "    trigger: {type: event, event: illegal_info_disposed}\n"
        "    attest_every: {period: 12, setting: x_months}\n",
    )
    with pytest.raises(InputError) as exc:
        load_library(rules_dir)
    assert exc.value.field == "rules.0.attest_every"
