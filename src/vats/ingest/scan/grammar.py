"""Corrections of OCR confusions that the number and date grammar makes certain.

A licence number is `<region><class>-<year><serial>` with classes `A1 A2 B1 B2` and digits after
the dash; a date is `YYYY年MM月DD日`. In those slots only some characters are possible, so a `8`
where the class letter must be is a `B`, and an `O`, `I`, `l` or `B` where a digit must be is
`0`, `1`, `1` or `8`. Nothing else is changed: a name or an address is never "corrected".

Every correction is returned with the original reading, so the parse warnings can show both. A
number whose serial is one digit short (seven digits after the dash, where eight are printed)
is flagged as possibly missing a digit; which digit is missing cannot be known, so nothing is
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITISH = "0-9OoIl|B"
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "B": "8"})
_NUMBER_LABEL = re.compile(r"(?P<label>(?:经营)?许可证编号\s*[:：]?\s*)(?P<value>\S+)")
_VATS = re.compile(
    rf"^(?P<pre>[\u4e00-\u9fff]?(?:合字)?)(?P<cls>[AB8][12Il|](?:[.,][AB8][12Il|])*)"
    rf"(?P<dash>[-—–一_~])(?P<digits>[{_DIGITISH}]{{6,9}})(?P<rest>(?:-\d+)?号?)$"
)
_ICP = re.compile(rf"^(?P<pre>[\u4e00-\u9fff]?ICP证)(?P<digits>[{_DIGITISH}]{{6}})(?P<rest>号?)$")
_DATE = re.compile(
    rf"(?P<y>[{_DIGITISH}]{{4}})\s*年\s*(?P<m>[{_DIGITISH}]{{1,2}})\s*月\s*(?P<d>[{_DIGITISH}]{{1,2}})\s*日"
)
#: Digits after the dash in a VATS licence number (four-digit year and four-digit serial).
VATS_DIGITS = 8


@dataclass(frozen=True, slots=True)
class Correction:
    """One grammar-certain change: what OCR read, what the grammar requires, and where."""

    kind: str  # "licence_number" or "date"
    original: str
    corrected: str


@dataclass(frozen=True, slots=True)
class Checked:
    """A line after correction, the corrections made, and a suspected missing digit if any."""

    text: str
    corrections: tuple[Correction, ...] = ()
    missing_digit: str | None = None  # the number as read, when a digit seems to be missing


def _fix_class(cls: str) -> str:
    """`82` -> `B2`, `BI` -> `B1`: a class is a letter A/B and a digit 1/2."""

    def one(m: re.Match[str]) -> str:
        return ("B" if m[0][0] == "8" else m[0][0]) + m[0][1].translate(_TO_DIGIT)

    return re.sub(r"[AB8][12Il|]", one, cls)


def _fix_number(value: str) -> tuple[str, bool]:
    """The corrected number and whether its serial looks one digit short."""
    if (m := _VATS.match(value)) is not None:
        digits = m["digits"].translate(_TO_DIGIT)
        fixed = f"{m['pre']}{_fix_class(m['cls'].replace(',', '.'))}-{digits}{m['rest']}"
        return fixed, len(digits) == VATS_DIGITS - 1
    if (m := _ICP.match(value)) is not None:
        return f"{m['pre']}{m['digits'].translate(_TO_DIGIT)}{m['rest']}", False
    return value, False


def check_line(line: str) -> Checked:
    """Correct the licence number and the dates in one OCR line."""
    corrections: list[Correction] = []
    missing: str | None = None
    text = line
    if (m := _NUMBER_LABEL.search(text)) is not None:
        fixed, short = _fix_number(m["value"])
        if fixed != m["value"]:
            corrections.append(Correction("licence_number", m["value"], fixed))
            text = text[: m.start("value")] + fixed + text[m.end("value") :]
        if short:
            missing = fixed

    def fix_date(dm: re.Match[str]) -> str:
        y, m, d = (dm[k].translate(_TO_DIGIT) for k in "ymd")
        fixed = f"{y}年{m}月{d}日"
        if fixed != re.sub(r"\s+", "", dm[0]):
            corrections.append(Correction("date", dm[0], fixed))
            return fixed
        return dm[0]

    text = _DATE.sub(fix_date, text)
    return Checked(text, tuple(corrections), missing)
