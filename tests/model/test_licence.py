"""The Licence model: immutable, JSON round trip through the published schema types."""

from __future__ import annotations

import dataclasses
import json

import pytest

from vats.ingest.render import synthetic_licence
from vats.model.licence import Licence, SourceSpan
from vats.model.serialise import dumps, from_jsonable


def test_licence_is_immutable() -> None:
    licence = synthetic_licence(5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        licence.company = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        licence.provenance["company"] = SourceSpan(1, 1)  # type: ignore[index]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_json_round_trip(seed: int) -> None:
    licence = synthetic_licence(seed)
    data = json.loads(dumps(licence))
    assert from_jsonable(Licence, data) == licence


def test_coverage_and_lookups() -> None:
    licence = synthetic_licence(9, kind="cross_regional")
    assert licence.coverage == tuple(dict.fromkeys(r for s in licence.services for r in s.coverage))
    first = licence.services[0]
    assert licence.service(first.code) is first
    assert licence.service("B99") is None
    assert licence.provision(1) is licence.provisions[0]
    assert licence.essentials().warnings == () and licence.essentials().source is None
