"""GB 32100 unified social credit code check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vats.model.errors import InputError
from vats.model.uscc import ALPHABET, check_char, validate_uscc

body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_published_codes_validate(code: str) -> None:
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "why"),
    [("91350100M000100Y44", "check character"), ("91350100M00010", "18"), ("91350100M000100O43", "invalid")],
)
def test_bad_codes_say_why(code: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        validate_uscc(code)


@given(body, st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_detected(first17: str, pos: int, char: str) -> None:
    code = first17 + check_char(first17)
    assert validate_uscc(code) == code
    mutated = code[:pos] + char + code[pos + 1 :]
    if mutated != code:
        with pytest.raises(InputError):
            validate_uscc(mutated)


def test_division_of_a_code() -> None:
    from vats.model.uscc import division_of

    first17 = "91500103MA5U6Y7RX"
    code = first17 + check_char(first17)
    assert division_of(code) == "500103"
