"""Identifiers of the national electronic-licence standard (证照标识, GB/T 36904-2018).

As implemented in public code (the standard's text was not seen; see shared/reference/
next-capabilities.md §1): `1.2.156.3005.2.{证照类型代码}.{颁发机构代码}.{流水号}.{版本号}.{校验位}`,
where the type code is typically an 18-character unified social credit code plus three digits,
the issuer code an 18-character credit code, the version three digits, and the check character
ISO 7064 MOD 37,36 (hybrid system) over type code + issuer code + serial + version. Whether MIIT's
VATS e-licence carries such an identifier is UNCONFIRMED: it is read and checked only when present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vats.model.errors import InputError

ROOT = "1.2.156.3005.2"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FIND = re.compile(r"1\.2\.156\.3005\.2\.[0-9A-Za-z.]{10,120}")
_SHAPE = re.compile(
    r"^1\.2\.156\.3005\.2\.(?P<type>[0-9A-Z]{1,40})\.(?P<issuer>[0-9A-Z]{18})\.(?P<serial>[0-9A-Z]{1,40})"
    r"\.(?P<version>\d{3})\.(?P<check>[0-9A-Z])$"
)


@dataclass(frozen=True, slots=True)
class ElicenceId:
    """A parsed 证照标识 and whether its check character is right."""

    identifier: str
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str
    check_ok: bool


def mod37_36(payload: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) check character of an upper-case alphanumeric string."""
    modulus = 36
    product = modulus
    for char in payload:
        total = (product + _ALPHABET.index(char)) % modulus or modulus
        product = (2 * total) % (modulus + 1)
    return _ALPHABET[(modulus + 1 - product) % modulus]


def parse_identifier(text: str) -> ElicenceId:
    """Parse one identifier; `InputError` (field `identifier`) when it is not of the standard's shape."""
    value = text.strip().upper()
    if len(value) > 200:
        raise InputError("证照标识过长 / the identifier is too long", field="identifier")
    m = _SHAPE.match(value)
    if m is None:
        raise InputError(
            f"不是电子证照标识 / not an e-licence identifier ({ROOT}.类型.机构.流水号.版本.校验位)",
            field="identifier",
        )
    expected = mod37_36(m["type"] + m["issuer"] + m["serial"] + m["version"])
    parts = (m["type"], m["issuer"], m["serial"], m["version"], m["check"])
    return ElicenceId(value, *parts, check_ok=m["check"] == expected)


def find_identifiers(text: str) -> list[ElicenceId]:
    """Every well-shaped identifier in free text (OCR lines, QR payloads, OFD text), in order."""
    found: list[ElicenceId] = []
    for m in _FIND.finditer(text):
        try:
            parsed = parse_identifier(m[0].rstrip("."))
        except InputError:
            continue
        if parsed not in found:
            found.append(parsed)
    return found
