"""Licence and ICP numbers as structured values (the grammar that reads them is in vats.ingest.numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NumberKind(StrEnum):
    """The three number families printed on licences and homepages."""

    VATS_LICENCE = "vats_licence"  # 渝B2-20210467, B2-20090059, 合字B2-20170010
    ICP_LICENCE = "icp_licence"  # 京ICP证030173号 (old-style ICP certificate)
    ICP_FILING = "icp_filing"  # 京ICP备11041704号-15, 京ICP备2021000001号-2A (app)


class FilingTarget(StrEnum):
    """What an ICP filing suffix designates: a website, an app (`A`) or a mini-program (`X`)."""

    WEBSITE = "website"
    APP = "app"
    MINI_PROGRAM = "mini_program"


@dataclass(frozen=True, slots=True)
class LicenceNumber:
    """A parsed number. `canonical` is the normalised printable form and round-trips through parse."""

    kind: NumberKind
    canonical: str
    region_char: str | None  # 渝; None for MIIT (cross-regional) numbers
    region: str | None  # region code, e.g. "CQ"; None when cross-regional
    region_name: str | None  # 重庆市
    classes: tuple[str, ...]  # ("B2",), ("B1", "B2"), ("A2", "B1", "B2"); empty for ICP numbers
    foreign_invested: bool  # 合字
    year: int | None
    serial: str
    site_suffix: str | None  # "-N" suffix value without the dash, e.g. "3", "2A"
    filing_target: FilingTarget | None  # only for ICP filings
    cross_regional: bool  # issued by MIIT, coverage may span provinces
    issuer: str  # authority implied by the number: a province's 通信管理局 or 工业和信息化部
    legacy: bool = False  # an older format (辽B-2-4-…, 8-digit filing numbers, ICP证)
    notes: tuple[str, ...] = ()  # low-confidence readings, e.g. 蜀 used as a licence prefix

    @property
    def base(self) -> str:
        """The canonical number without its `-N` site suffix (what identifies the licence)."""
        if self.site_suffix is None:
            return self.canonical
        return self.canonical[: -(len(self.site_suffix) + 1)]


@dataclass(frozen=True, slots=True)
class Found:
    """A number found in free text or HTML by `vats.ingest.numbers.find`.

    `start`/`end` index the ORIGINAL input (tags and entities included), so callers can quote or
    highlight the exact source; `raw` is that slice. `label` is the caption the number sat under
    (e.g. "ICP证" even when the value is a filing number); the kind always comes from the value.
    """

    kind: NumberKind
    canonical: str
    number: LicenceNumber
    start: int
    end: int
    label: str | None
    raw: str
    qualifier: str | None = None  # a trailing note such as 全网

    @property
    def base(self) -> str:
        return self.number.base

    @property
    def region_char(self) -> str | None:
        return self.number.region_char
