"""Questions asked of the rules library: which rules apply, and how a licence's provisions are covered.

Coverage answers "does every article and item of this licence's 特别规定事项 lead to a rule (or is it
knowingly informational)?". Entries in provisions.yaml are matched by number AND text fingerprint, so a
licence with the same standard wording is covered automatically, while a non-standard provision shows
up as unmapped instead of being silently matched by its number alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vats.model.licence import Licence, Provision
from vats.model.numerals import to_cn
from vats.reference.rules_library import Library, ProvisionEntry, Rule, Text, default_library

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One article or item of a licence and what covers it (entry None = unmapped)."""

    article: int
    item: int | None
    text: str
    entry: ProvisionEntry | None

    @property
    def label(self) -> str:
        head = f"{to_cn(self.article)}、"
        return head if self.item is None else f"{to_cn(self.article)}({to_cn(self.item)})"

    @property
    def rules(self) -> tuple[str, ...]:
        return self.entry.rules if self.entry else ()

    @property
    def informational(self) -> Text | None:
        return self.entry.informational if self.entry else None

    @property
    def mapped(self) -> bool:
        return self.entry is not None


def match_entry(
    article: int, item: int | None, text: str, library: Library | None = None
) -> ProvisionEntry | None:
    """The provisions.yaml entry with this number whose fingerprints all occur in `text`."""
    body = _norm(text)
    for entry in (library or default_library()).provisions:
        if (
            entry.article == article
            and entry.item == item
            and all(_norm(f) in body for f in entry.fingerprint)
        ):
            return entry
    return None


def coverage(provisions: Sequence[Provision], library: Library | None = None) -> list[CoverageRow]:
    """Every article and item of `provisions`, each matched to its rules (or left unmapped)."""
    rows: list[CoverageRow] = []
    for p in provisions:
        rows.append(CoverageRow(p.number, None, p.text, match_entry(p.number, None, p.text, library)))
        for it in p.items:
            # the parser may lift "(适用于…)" out of the text; put it back so fingerprints see it
            text = f"（适用于{it.applies_to}）{it.text}" if it.applies_to else it.text
            rows.append(
                CoverageRow(p.number, it.number, text, match_entry(p.number, it.number, text, library))
            )
    return rows


def standard_coverage(library: Library | None = None) -> list[CoverageRow]:
    """The map itself, for `vats rules coverage` without a licence file."""
    lib = library or default_library()
    return [CoverageRow(e.article, e.item, " / ".join(e.fingerprint), e) for e in lib.provisions]


def applicable_rules(licence: Licence, library: Library | None = None) -> list[Rule]:
    """Rules whose applicability (services, sub-types, scope) matches the licence."""
    from vats.rules.engine import rule_applies

    return [r for r in (library or default_library()).rules if rule_applies(r, licence)]
