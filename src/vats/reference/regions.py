"""The 31 provincial-level regions: lookups by code, number character, name and address.

Data: `regions.yaml` next to this module (schema checked on load, cached for the process).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from vats.model.catalogue import PrefixEvidence, Region
from vats.reference._yaml import Document, load_yaml

DATA_PATH = Path(__file__).resolve().parent / "regions.yaml"
MIIT = "中华人民共和国工业和信息化部"
REGION_COUNT = 31
NATIONWIDE = "全国"  # coverage written as the whole country (cross-regional licences)

_REQUIRED: dict[str, type] = {
    "code": str,
    "division": str,
    "name": str,
    "short": str,
    "name_en": str,
    "licence_char": str,
    "filing_char": str,
    "authority": str,
    "licence_evidence": str,
    "filing_evidence": str,
}
_OPTIONAL: dict[str, type] = {"licence_variants": list, "places": list}


def _build(doc: Document) -> tuple[Region, ...]:
    doc.record((), required={"schema": int, "regions": list})
    regions: list[Region] = []
    seen: dict[str, tuple[int, str]] = {}
    for i, row in enumerate(doc.records(("regions",), required=_REQUIRED, optional=_OPTIONAL)):
        for key in ("licence_char", "filing_char"):
            if len(row[key]) != 1:
                raise doc.error(("regions", i, key), "应为单个汉字 / must be a single character")
        for key in ("licence_evidence", "filing_evidence"):
            if row[key] not in {e.value for e in PrefixEvidence}:
                raise doc.error(("regions", i, key), f"未知取值 / unknown value {row[key]!r}")
        if not re.fullmatch(r"[A-Z]{2}", row["code"]):
            raise doc.error(("regions", i, "code"), "应为两个大写字母 / must be two capital letters")
        if not re.fullmatch(r"[1-6]\d", row["division"]):
            raise doc.error(
                ("regions", i, "division"), "应为两位省级区划代码 / must be a 2-digit GB/T 2260 code"
            )
        region = Region(
            code=row["code"],
            name=row["name"],
            short=row["short"],
            name_en=row["name_en"],
            licence_char=row["licence_char"],
            filing_char=row["filing_char"],
            authority=row["authority"],
            licence_evidence=PrefixEvidence(row["licence_evidence"]),
            filing_evidence=PrefixEvidence(row["filing_evidence"]),
            licence_variants=doc.strings(("regions", i, "licence_variants"), row.get("licence_variants")),
            places=doc.strings(("regions", i, "places"), row.get("places")),
            division=row["division"],
        )
        for key in (region.code, region.division, region.name, region.short, *region.places):
            if key in seen:
                raise doc.error(("regions", i), f"与第 {seen[key][0] + 1} 项重复 / duplicates {key!r}")
            seen[key] = (i, key)
        regions.append(region)
    if len(regions) != REGION_COUNT:
        raise doc.error(
            ("regions",), f"应有 {REGION_COUNT} 个地区 / expected {REGION_COUNT}, got {len(regions)}"
        )
    return tuple(regions)


def load_regions(path: str | Path) -> tuple[Region, ...]:
    """Read and validate a regions file (errors name file, line and key)."""
    return _build(load_yaml(path))


@cache
def all_regions() -> tuple[Region, ...]:
    """Every region in the file's order (the conventional MIIT order: 京津冀晋蒙…)."""
    return load_regions(DATA_PATH)


@cache
def _index() -> dict[str, dict[str, Region]]:
    regions = all_regions()
    licence: dict[str, Region] = {}
    filing: dict[str, Region] = {}
    for r in regions:
        licence[r.licence_char] = r
        filing[r.filing_char] = r
    for r in regions:  # variants never override a primary character
        for ch in r.licence_variants:
            licence.setdefault(ch, r)
    return {
        "code": {r.code: r for r in regions},
        "division": {r.division: r for r in regions},
        "licence": licence,
        "filing": filing,
        "name": {k: r for r in regions for k in (r.name, r.short, r.name_en.lower())},
    }


def by_code(code: str) -> Region | None:
    """`by_code("CQ")` -> 重庆市."""
    return _index()["code"].get(code.strip().upper())


def by_division(code: str) -> Region | None:
    """The region of a GB/T 2260 division code by its first two digits (`500103` -> CQ)."""
    return _index()["division"].get(code.strip()[:2])


def by_licence_char(char: str) -> Region | None:
    """The region whose VATS licence numbers start with `char` (渝 -> CQ; 蜀 -> SC, low confidence)."""
    return _index()["licence"].get(char)


def by_filing_char(char: str) -> Region | None:
    """The region whose ICP filing numbers start with `char` (蜀 -> SC, 陇 -> GS)."""
    return _index()["filing"].get(char)


def by_any_char(char: str) -> Region | None:
    """Licence character first, then filing character: for numbers whose kind is not known."""
    return by_licence_char(char) or by_filing_char(char)


def number_chars() -> frozenset[str]:
    """Every character that designates some region in some number (for the number grammar)."""
    return frozenset(ch for r in all_regions() for ch in r.chars)


def by_name(name: str) -> Region | None:
    """`重庆`, `重庆市` or `Chongqing` -> CQ (the authority's name works too)."""
    key = "".join(name.split())
    found = _index()["name"].get(key) or _index()["name"].get(key.lower())
    if found is None and key.endswith("通信管理局"):
        found = next((r for r in all_regions() if r.authority == key), None)
    return found


@cache
def _address_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, Region]]:
    """Two alternations, longest name first: province names, then cities (used only as a fallback)."""
    names: dict[str, Region] = {}
    places: dict[str, Region] = {}
    for r in all_regions():
        names.update({r.name: r, r.short: r})
        places.update(dict.fromkeys(r.places, r))

    def alternation(keys: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))

    return alternation(list(names)), alternation(list(places)), {**places, **names}


def region_of_address(text: str | None) -> Region | None:
    """The region an address lies in: the first province named, else the first known city.

    Province names win over cities so a street such as 上海市南京路 is not read as Jiangsu. A text
    that names no known place gives None (the caller decides whether that matters).
    """
    if not text:
        return None
    compact = "".join(text.split())
    provinces, places, table = _address_patterns()
    match = provinces.search(compact) or places.search(compact)
    return table[match.group(0)] if match else None
