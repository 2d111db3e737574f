"""Chinese numerals as licences and regulations print article and item numbers (一 … 九十九).

One pair for rendering, parsing and citing: `to_cn(13) == "十三"`, `from_cn("二十一") == 21`.
"""

from __future__ import annotations

DIGITS = "一二三四五六七八九"
_VALUE = {c: i for i, c in enumerate(DIGITS, start=1)}


def to_cn(n: int) -> str:
    """1 -> 一, 10 -> 十, 13 -> 十三, 21 -> 二十一 (1–99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"article numbers run 1–99, not {n}")
    if n < 10:
        return DIGITS[n - 1]
    tens, units = divmod(n, 10)
    return (DIGITS[tens - 1] if tens > 1 else "") + "十" + (DIGITS[units - 1] if units else "")


def from_cn(text: str) -> int:
    """一 -> 1, 十 -> 10, 十三 -> 13, 二十一 -> 21 (the inverse of `to_cn`); KeyError if not one."""
    if "十" not in text:
        return _VALUE[text]
    tens, _, units = text.partition("十")
    return (_VALUE[tens] if tens else 1) * 10 + (_VALUE[units] if units else 0)
