"""The licence document as structured data: main page, appendix pages and special provisions.

Every type is a frozen dataclass of plain values (strings, dates, tuples), so a `Licence` is
immutable, hashable where it matters, and serialises with `vats.model.serialise.to_jsonable`; the
published JSON Schema (`vats schema licence`) is generated from these same classes.

Conventions the parser guarantees (and `vats.ingest.render` relies on):
- text values are normalised: half-width ASCII punctuation (`:` `(` `)` `,` `;`), Chinese
  punctuation such as `、` and `。` kept, no spaces next to Chinese characters;
- values are as printed: a suspected OCR slip is kept raw and reported in `warnings`;
- `provenance` maps a field path (`company`, `services[0]`, `sites[3].app_stores`,
  `provisions[14].items[5]`) to the original line range it was read from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from vats.model.numbers import LicenceNumber


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Inclusive 1-based line range in the original document that a value was read from."""

    first_line: int
    last_line: int


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Text that could not be placed, or a value that looks wrong (e.g. an OCR slip).

    `code` is one of: `unplaced` (text that fits no field), `duplicate_fragment` (a repeat left by
    a page break, removed), `ocr_slip` (value kept raw; `suggestion` is the likely reading),
    `truncated` (appendix or provisions missing), `missing_field`, `empty_field`, `conflict` (a
    value printed twice differently; the first is kept), `bad_date`, `unknown_service`,
    `service_only_in_sites`, `unknown_region`, `missing_coverage`, `unmodelled_field` (e.g.
    注册资本), `numbering` (article/item numbers out of sequence or unreadable),
    `unlabelled_number`. `line` is the original 1-based line number.
    """

    code: str
    message: str
    line: int | None = None
    raw: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class Issuer:
    """The issuing authority and whether the document states it or vats inferred it from the number."""

    name: str
    stated: bool


@dataclass(frozen=True, slots=True)
class Service:
    """One licensed business type with its qualifiers and its own coverage."""

    code: str  # catalogue code: B25, B21, B11, B24-1 … (the printed name if the catalogue has none)
    name: str  # as printed, e.g. 信息服务业务
    limited_to: tuple[str, ...] = ()  # 仅限… qualifiers
    includes: tuple[str, ...] = ()  # 含… sub-types or sectors
    excludes: tuple[str, ...] = ()  # 不含… sub-types or sectors
    coverage: tuple[str, ...] = ()  # region names (重庆市, 全国 …)
    coverage_stated: bool = True  # False when inferred from a provincial number
    notes: tuple[str, ...] = ()  # bracketed notes such as 【依法须经批准的项目…】


class SiteKind(StrEnum):
    """A licence lists websites (网站名称) and apps (APP名称) in separate blocks."""

    WEBSITE = "website"
    APP = "app"


@dataclass(frozen=True, slots=True)
class Site:
    """A website or app the licence lists; merged across business types (`services` lists each)."""

    kind: SiteKind
    name: str
    domain: str
    server_location: str | None = None
    access_providers: tuple[str, ...] = ()
    app_stores: tuple[str, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProvisionItem:
    """A numbered sub-item (一)…(十三) of a special provision."""

    number: int
    text: str
    applies_to: str | None = None  # e.g. 信息发布平台及递送服务 from "(适用于…)"


@dataclass(frozen=True, slots=True)
class Provision:
    """An article 一…十六 of the special provisions (特别规定事项)."""

    number: int
    text: str
    items: tuple[ProvisionItem, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """Which file a licence was read from and how it was decoded."""

    path: str | None
    encoding: str
    sha256: str
    media_type: str = "text/plain"


#: `DocumentSource.media_type` of a licence read from one row of a spreadsheet: no licence document
#: has been seen yet, so everything derived from it rests on the sheet's unverified data.
SHEET_ROW_MEDIA_TYPE = "application/vnd.vats.sheet-row+json"


class LicenceTitle(StrEnum):
    """The printed title, which also tells the layout family apart."""

    PROVINCIAL = "增值电信业务经营许可证"
    CROSS_REGIONAL = "跨地区增值电信业务经营许可证"
    ICP = "中华人民共和国电信与信息服务业务经营许可证"


@dataclass(frozen=True, slots=True)
class Licence:
    """A whole licence. Dates are as printed; nothing is derived from anything else here."""

    number: str
    number_info: LicenceNumber
    company: str
    title: str = LicenceTitle.PROVINCIAL.value
    legal_representative: str | None = None
    issuer: Issuer | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    services: tuple[Service, ...] = ()
    sites: tuple[Site, ...] = ()
    provisions: tuple[Provision, ...] = ()
    copy_restriction: str | None = None
    warnings: tuple[ParseWarning, ...] = ()
    provenance: Mapping[str, SourceSpan] = field(default_factory=lambda: MappingProxyType({}))
    source: DocumentSource | None = None
    # set by the user, never printed: when the holder first obtained this licence (a renewed copy's
    # issue date is later); it wins over the year read from the number
    first_issued: date | None = None

    def service(self, code: str) -> Service | None:
        """The business type with this catalogue code, if the licence holds it."""
        return next((s for s in self.services if s.code == code), None)

    def provision(self, number: int) -> Provision | None:
        """The special-provision article with this number (1 for 一 …), if printed."""
        return next((p for p in self.provisions if p.number == number), None)

    def essentials(self) -> Licence:
        """The same licence without parse by-products (warnings, provenance, document source).

        Two readings of the same licence (clean text and a noisy scan) compare equal this way.
        """
        return dataclasses.replace(self, warnings=(), provenance=MappingProxyType({}), source=None)

    @property
    def from_sheet(self) -> bool:
        """True while the licence is known only from a spreadsheet row (no document uploaded yet)."""
        return self.source is not None and self.source.media_type == SHEET_ROW_MEDIA_TYPE

    @property
    def coverage(self) -> tuple[str, ...]:
        """Union of every business type's coverage, in first-seen order."""
        seen: dict[str, None] = {}
        for svc in self.services:
            for region in svc.coverage:
                seen.setdefault(region, None)
        return tuple(seen)


VALIDITY = ("valid", "expiring", "expired", "unknown")


def validity(expiry: date | None, as_of: date, *, expiring_within: int) -> str:
    """expired / expiring / valid; unknown when the expiry date was not read.

    "Expiring" means inside the renewal horizon, `vats.rules.horizon.renewal_days_before` (the rules
    library plus settings), which callers pass in: the model knows no legal numbers of its own."""
    if expiry is None:
        return "unknown"
    if expiry < as_of:
        return "expired"
    if expiry <= as_of + timedelta(days=expiring_within):
        return "expiring"
    return "valid"
