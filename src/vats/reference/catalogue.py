"""The telecom business catalogue (2015 edition): codes, definitions and names as printed on licences.

Data: `catalogue.yaml` next to this module (schema checked on load, cached for the process).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from vats.model.catalogue import Catalogue, CatalogueEntry, EntryKind
from vats.reference._yaml import Document, load_yaml

DATA_PATH = Path(__file__).resolve().parent / "catalogue.yaml"

_TOP: dict[str, type] = {
    "schema": int,
    "edition": str,
    "title": str,
    "published": str,
    "effective": str,
    "amendment_note": str,
    "entries": list,
}
_ENTRY_REQUIRED: dict[str, type] = {
    "code": str,
    "kind": str,
    "name": str,
    "name_en": str,
    "definition_zh": str,
    "definition_en": str,
}
_ENTRY_OPTIONAL: dict[str, type] = {
    "parent": str,
    "aliases": list,
    "legacy_aliases": list,
    "subtypes": list,
    "basic": bool,
}
# Printed names use full- or half-width brackets and stray spaces; compare on one form.
_FOLD = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "　": None, " ": None, "\t": None})


def normalise_name(text: str) -> str:
    """Fold bracket width and drop spaces so printed variants compare equal."""
    return "".join(text.translate(_FOLD).split())


def _build(doc: Document) -> Catalogue:
    top = doc.record((), required=_TOP)
    entries: list[CatalogueEntry] = []
    for i, row in enumerate(doc.records(("entries",), required=_ENTRY_REQUIRED, optional=_ENTRY_OPTIONAL)):
        where = ("entries", i)
        if row["kind"] not in {k.value for k in EntryKind}:
            raise doc.error((*where, "kind"), f"未知取值 / unknown value {row['kind']!r}")
        entries.append(
            CatalogueEntry(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                parent=row.get("parent"),
                kind=EntryKind(row["kind"]),
                definition_zh=row["definition_zh"],
                definition_en=row["definition_en"],
                aliases=doc.strings((*where, "aliases"), row.get("aliases")),
                legacy_aliases=doc.strings((*where, "legacy_aliases"), row.get("legacy_aliases")),
                subtypes=doc.strings((*where, "subtypes"), row.get("subtypes")),
                basic=bool(row.get("basic", False)),
            )
        )
    _check_links(doc, entries)
    return Catalogue(
        edition=top["edition"],
        title=top["title"],
        published=top["published"],
        effective=top["effective"],
        amendment_note=top["amendment_note"],
        entries=tuple(entries),
    )


def _check_links(doc: Document, entries: list[CatalogueEntry]) -> None:
    """Codes are unique, parents exist, and each listed sub-type names the entry as its parent."""
    codes: dict[str, int] = {}
    for i, e in enumerate(entries):
        if e.code in codes:
            raise doc.error(("entries", i, "code"), f"代码重复 / duplicate code {e.code!r}")
        codes[e.code] = i
    for i, e in enumerate(entries):
        if e.parent is not None and e.parent not in codes:
            raise doc.error(("entries", i, "parent"), f"未知上级代码 / unknown parent {e.parent!r}")
    for i, e in enumerate(entries):
        for sub in e.subtypes:
            if sub not in codes or entries[codes[sub]].parent != e.code:
                raise doc.error(("entries", i, "subtypes"), f"子类 {sub!r} 不存在或上级不符 / bad sub-type")


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and validate a catalogue file (errors name file, line and key)."""
    return _build(load_yaml(path))


@cache
def catalogue() -> Catalogue:
    """The bundled catalogue, validated once per process."""
    return load_catalogue(DATA_PATH)


def entry(code: str) -> CatalogueEntry | None:
    """Entry by catalogue code (B25, B24-1) or vats sub-type identifier (B25/search)."""
    return _by_code().get(code.strip().upper() if "/" not in code else code.strip())


@cache
def _by_code() -> dict[str, CatalogueEntry]:
    return {e.code: e for e in catalogue().entries}


@cache
def _names() -> tuple[dict[str, CatalogueEntry], tuple[tuple[str, CatalogueEntry], ...]]:
    """Exact name table and a longest-first prefix list over business types (not sub-types)."""
    exact: dict[str, CatalogueEntry] = {}
    for e in catalogue().entries:
        for name in (e.name, *e.aliases, *e.legacy_aliases):
            exact.setdefault(normalise_name(name), e)
    services = [(key, e) for key, e in exact.items() if e.kind in (EntryKind.SERVICE, EntryKind.SUBCODE)]
    services.sort(key=lambda pair: len(pair[0]), reverse=True)
    return exact, tuple(services)


def match_service(printed_name: str) -> CatalogueEntry | None:
    """The business type a licence line names, e.g. 信息服务业务（仅限互联网信息服务）… -> B25.

    An exact name or alias wins; otherwise the longest business-type name the text starts with,
    so trailing scope text (不含…, 【依法须经批准的项目…】) does not get in the way.
    """
    key = normalise_name(printed_name)
    if not key:
        return None
    exact, services = _names()
    found = exact.get(key)
    if found is not None and found.kind in (EntryKind.SERVICE, EntryKind.SUBCODE):
        return found
    return next((e for name, e in services if key.startswith(name)), None)


def subtype_by_name(name: str) -> CatalogueEntry | None:
    """A B25 sub-type or B21 sub-kind by its printed name (含/不含 prefixes are ignored)."""
    key = normalise_name(name).removeprefix("不含").removeprefix("含").removeprefix("仅限")
    found = _names()[0].get(key)
    if found is not None and found.kind in (EntryKind.SUBTYPE, EntryKind.SUBCODE):
        return found
    return None


def is_legacy_name(printed_name: str) -> bool:
    """True when the text uses a name from an older catalogue (因特网信息服务业务 …)."""
    key = normalise_name(printed_name)
    return any(key.startswith(normalise_name(a)) for e in catalogue().entries for a in e.legacy_aliases)
