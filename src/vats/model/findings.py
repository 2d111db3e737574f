"""Findings: something wrong (or worth knowing) about a licence, with evidence and legal basis."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vats.model.sources import SourceRef


class Severity(StrEnum):
    """Ordered from most to least serious; `gates` says which ones fail a pipeline (exit 1)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical … 4 for info, so findings sort most serious first."""
        return list(Severity).index(self)

    @property
    def gates(self) -> bool:
        """High and critical findings make `vats audit` exit 1."""
        return self in (Severity.CRITICAL, Severity.HIGH)

    @property
    def zh(self) -> str:
        """The Chinese label every output uses (严重, 高, 中, 低, 提示)."""
        return _SEVERITY_ZH[self]


_SEVERITY_ZH = {
    Severity.CRITICAL: "严重",
    Severity.HIGH: "高",
    Severity.MEDIUM: "中",
    Severity.LOW: "低",
    Severity.INFO: "提示",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a finding rests on: a field of the licence and the source line it came from."""

    field: str | None = None
    value: str | None = None
    line: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation or compliance finding. `id` is stable per check so runs can be compared."""

    id: str
    severity: Severity
    message_zh: str
    message_en: str
    licence: str | None = None
    subject: str | None = None
    evidence: tuple[Evidence, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    tags: tuple[str, ...] = field(default=())
