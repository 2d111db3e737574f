"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character.

Alphabet: digits and upper-case letters except I, O, S, V, Z (31 symbols). Weights are 3^i mod 31 for
positions 1..17; the check character is the symbol with value (31 - sum mod 31) mod 31.
"""

from __future__ import annotations

from vats.model.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    """The check character for the first 17 characters (which must be in the alphabet)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str, *, field: str = "uscc") -> str:
    """The normalised code, or `InputError` saying which rule it breaks."""
    value = code.strip().upper()
    if len(value) != 18:
        raise InputError(f"统一社会信用代码应为 18 位 / must be 18 characters, got {len(value)}", field=field)
    bad = [c for c in value if c not in ALPHABET]
    if bad:
        raise InputError(
            f"含非法字符 / invalid character {bad[0]!r} (I, O, S, V, Z and punctuation are not used)",
            field=field,
        )
    expected = check_char(value[:17])
    if value[17] != expected:
        raise InputError(f"校验位错误 / check character is {value[17]!r}, expected {expected!r}", field=field)
    return value


def division_of(code: str) -> str:
    """Characters 3–8 of a valid code: the registering authority's GB/T 2260 division (`500103`).

    Its first two digits name the province the company registered in, which is the province whose
    communications administration issues its provincial licence (reference.regions.by_division)."""
    return code[2:8]
