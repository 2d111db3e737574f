"""The trigger registry covers exactly the trigger types the rules library accepts."""

from __future__ import annotations

import typing

from vats.reference import rules_library
from vats.rules.engine.triggers import HANDLERS


def _accepted_trigger_types() -> set[str]:
    """The `type` values the library's validation schema allows for a rule's trigger."""
    rule_file = rules_library._schema()["rules"]
    (rule_model,) = typing.get_args(rule_file.model_fields["rules"].annotation)
    trigger_model = rule_model.model_fields["trigger"].annotation
    return set(typing.get_args(trigger_model.model_fields["type"].annotation))


def test_every_trigger_type_the_library_accepts_has_one_handler() -> None:
    assert _accepted_trigger_types() == set(HANDLERS)
