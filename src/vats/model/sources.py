"""Where a rule or finding comes from, and how far that source can be trusted.

Every obligation and finding cites its legal basis; compliance officers need to know whether
that citation rests on an official text, a reprint, consultants' practice, or is unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reliability(StrEnum):
    """How trustworthy a source is (the marks used in the project's regulatory fact sheet)."""

    OFFICIAL = "official"  # government site or the published text of a law or regulation
    LICENCE = "licence"  # the licence's own special provisions: binding on that licensee
    REPRINT = "reprint"  # a third-party copy of an official text
    PRACTICE = "practice"  # consultants, vendors or observed practice
    UNCONFIRMED = "unconfirmed"  # not verified in any source; the numbers are configurable

    @property
    def zh(self) -> str:
        """The Chinese label (the web UI's catalogue uses the same words)."""
        return _RELIABILITY_ZH[self]


_RELIABILITY_ZH = {
    Reliability.OFFICIAL: "官方",
    Reliability.LICENCE: "许可证",
    Reliability.REPRINT: "转载",
    Reliability.PRACTICE: "实务",
    Reliability.UNCONFIRMED: "未核实",
}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation: instrument (law, order, the licence itself), article and item, reliability."""

    instrument: str
    reliability: Reliability
    article: str | None = None
    item: str | None = None
    url: str | None = None
    note: str | None = None

    def label(self) -> str:
        """Short human label such as `Order 42 art. 27` or `许可证特别规定事项 十六(四)`."""
        parts = [self.instrument]
        if self.article:
            parts.append(self.article)
        if self.item:
            parts.append(self.item)
        return " ".join(parts)
