"""The fast decoder agrees with pydantic's `from_jsonable` on stored licence JSON."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vats.model.licence import Licence
from vats.model.serialise import from_jsonable, to_jsonable
from vats.store.decode import decoder_for
from vats.store.licences import to_licence


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_fast_decoder_matches_pydantic(seed: int) -> None:
    from vats.ingest.render import synthetic_licence

    data = to_jsonable(synthetic_licence(seed))
    fast = decoder_for(Licence)(data)
    assert fast == from_jsonable(Licence, data)
    assert to_jsonable(fast) == data


def test_reference_licence_round_trips(seed_path) -> None:  # type: ignore[no-untyped-def]
    from vats.ingest.document import read_licence

    lic = read_licence(seed_path)
    data = to_jsonable(lic)
    assert to_licence(data) == from_jsonable(Licence, data)
    assert to_jsonable(to_licence(data)) == data


def test_unexpected_shapes_fall_back_to_validation() -> None:
    from vats.ingest.render import synthetic_licence

    data = to_jsonable(synthetic_licence(1))
    data["sites"] = "not a list"
    try:
        to_licence(data)
    except Exception as exc:  # pydantic names the bad field
        assert "sites" in str(exc)
    else:
        raise AssertionError("a malformed licence was accepted")
