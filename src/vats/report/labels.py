"""Bilingual labels the compliance report shares between its HTML/PDF and XLSX renderings.

A module of its own so both renderers read one copy without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from vats.model.sources import SourceRef
from vats.rules.horizon import renewal_days_before

VALIDITY_TEXT = {
    "valid": ("有效", "valid"),
    "expiring": ("即将到期（{days} 天内）", "expiring within {days} days"),
    "expired": ("已过期", "expired"),
    "unknown": ("未读出有效期", "expiry not read"),
}


def validity_text() -> dict[str, tuple[str, str]]:
    """`VALIDITY_TEXT` with the renewal horizon written in, so the label says what "expiring" means."""
    days = renewal_days_before()
    return {key: (zh.format(days=days), en.format(days=days)) for key, (zh, en) in VALIDITY_TEXT.items()}


def source_labels(refs: Sequence[SourceRef]) -> list[str]:
    """`Order 42 art. 27（转载 reprint）`: each citation with its reliability mark."""
    return [f"{r.label()}（{r.reliability.zh} {r.reliability.value}）" for r in refs]
