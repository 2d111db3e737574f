"""Provincial regions and the telecom business catalogue as plain values.

The data lives in `vats/reference/{regions,catalogue}.yaml`; these types are what the loaders return.
They sit in `model` (stdlib only) so ingest, rules and checks can type against them without importing
the YAML machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PrefixEvidence(StrEnum):
    """How well a number prefix is attested in the fact sheet (regulations.md §3.2)."""

    SEEN = "seen"  # observed in real licence / filing numbers
    EXPECTED = "expected"  # the conventional character, not observed
    UNCONFIRMED = "unconfirmed"  # no observation and real doubt (Gansu licence prefix)


@dataclass(frozen=True, slots=True)
class Region:
    """A provincial-level region and the single characters it uses in numbers.

    `licence_char` prefixes VATS licence numbers (渝B2-…); `filing_char` prefixes ICP filings and ICP
    licence certificates (蜀ICP备…). They differ for Sichuan (川/蜀) and Gansu (甘?/陇).
    """

    code: str  # two-letter code: CQ
    name: str  # full name: 重庆市
    short: str  # 重庆
    licence_char: str  # 渝
    filing_char: str  # 渝 (蜀 for Sichuan, 陇 for Gansu)
    authority: str  # 重庆市通信管理局
    name_en: str = ""
    licence_evidence: PrefixEvidence = PrefixEvidence.EXPECTED
    filing_evidence: PrefixEvidence = PrefixEvidence.EXPECTED
    licence_variants: tuple[str, ...] = ()  # low-confidence alternatives seen in the wild (蜀B2)
    places: tuple[str, ...] = ()  # cities / districts that identify the region in an address
    division: str = ""  # GB/T 2260 province code (50 for Chongqing): digits 3–4 of a credit code

    @property
    def chars(self) -> tuple[str, ...]:
        """Every character that may designate this region in some number."""
        seen = dict.fromkeys((self.licence_char, self.filing_char, *self.licence_variants))
        return tuple(seen)


class EntryKind(StrEnum):
    """Level of a catalogue entry."""

    CATEGORY = "category"  # A1, A2, B1, B2
    SERVICE = "service"  # B11 … B26: a business type printed on licences
    SUBCODE = "subcode"  # B24-1, B24-2, B26-1: numbered sub-divisions
    SUBTYPE = "subtype"  # B25 sub-types, B21 sub-kinds: named, not numbered in the catalogue


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One business type of the catalogue with its printed names.

    `code` is the catalogue code (B25, B24-1). Named sub-types have no code in the catalogue; vats
    gives them stable identifiers such as `B25/search` that are never printed on a licence.
    `subtypes` holds the codes of the children (sub-codes and named sub-types).
    """

    code: str
    name: str
    parent: str | None
    kind: EntryKind
    definition_zh: str
    definition_en: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()  # names as printed on licences (with qualifiers)
    legacy_aliases: tuple[str, ...] = ()  # names from older catalogues (因特网信息服务业务)
    subtypes: tuple[str, ...] = ()
    basic: bool = False  # basic telecom (A codes) rather than value-added


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The 《电信业务分类目录》 edition vats uses, and the state of later amendments."""

    edition: str  # "2015"
    title: str
    published: str  # ISO date as printed in sources
    effective: str
    amendment_note: str  # the 2019 amendment (UNCONFIRMED content)
    entries: tuple[CatalogueEntry, ...]

    def get(self, code: str) -> CatalogueEntry | None:
        """The entry with this code (catalogue code or vats sub-type identifier)."""
        return next((e for e in self.entries if e.code == code), None)

    def children(self, code: str) -> tuple[CatalogueEntry, ...]:
        return tuple(e for e in self.entries if e.parent == code)
