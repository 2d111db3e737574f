"""The declared inventory: the sites and apps a company says it runs (YAML or CSV).

The inventory is the company's own statement; reconciling it with the licence (`vats.checks.scope`)
finds the sites a licence does not cover. Loading validates every record and names file, line and
field on error, and nothing is imported unless the whole file is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vats.checks.features import FeatureMap, default_features
from vats.checks.records import Record, csv_records, read_text, yaml_records
from vats.model.errors import InputError
from vats.model.licence import SiteKind

FIELDS = (
    "kind",
    "name",
    "domain",
    "owner",
    "features",
    "server_location",
    "access_provider",
    "licence",
    "filing_number",
    "package_name",
    "stores",
)
KIND_ALIASES = {
    "site": SiteKind.WEBSITE,
    "website": SiteKind.WEBSITE,
    "网站": SiteKind.WEBSITE,
    "app": SiteKind.APP,
    "APP": SiteKind.APP,
    "应用": SiteKind.APP,
}


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One declared site or app. `features` are canonical feature ids (see features.yaml)."""

    kind: SiteKind
    name: str
    domain: str | None = None
    owner: str | None = None
    features: tuple[str, ...] = ()
    server_location: str | None = None
    access_provider: str | None = None
    licence: str | None = None  # canonical licence number the item is operated under, if known
    line: int | None = None
    # APP备案 (apps and mini-programs): kept as typed; a missing or malformed number is a finding
    # (`vats.checks.app_filings`), not a load error, so the inventory records what the company says
    filing_number: str | None = None
    package_name: str | None = None
    stores: tuple[str, ...] = ()


def _text(rec: Record, name: str, source: str, *, required: bool = False) -> str | None:
    value = rec.values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(
                "缺少必填字段 / required field missing", source=source, line=rec.line, field=name
            )
        return None
    if not isinstance(value, str | int | float):
        raise InputError("应为文本 / must be text", source=source, line=rec.line_of(name), field=name)
    return str(value).strip()


def _item(rec: Record, source: str, features: FeatureMap) -> InventoryItem:
    unknown = set(rec.values) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InputError(
            f"未知字段 / unknown field (allowed: {', '.join(FIELDS)})",
            source=source,
            line=rec.line_of(name),
            field=name,
        )
    kind_text = _text(rec, "kind", source) or "site"
    kind = KIND_ALIASES.get(kind_text) or KIND_ALIASES.get(kind_text.lower())
    if kind is None:
        raise InputError(
            "应为 site 或 app / must be site or app", source=source, line=rec.line_of("kind"), field="kind"
        )
    name = _text(rec, "name", source, required=True) or ""
    domain = _text(rec, "domain", source, required=kind is SiteKind.WEBSITE)
    if domain is not None:
        domain = _domain(domain, rec, source)
    raw_features: Any = rec.values.get("features", [])
    if isinstance(raw_features, str):
        raw_features = [p.strip() for p in raw_features.replace("、", ";").split(";") if p.strip()]
    if not isinstance(raw_features, list):
        raise InputError(
            "应为列表 / must be a list", source=source, line=rec.line_of("features"), field="features"
        )
    ids: list[str] = []
    for raw in raw_features:
        feature = features.get(str(raw))
        if feature is None:
            raise InputError(
                f"未知功能 / unknown feature {raw!r} (see vats/reference/features.yaml)",
                source=source,
                line=rec.line_of("features"),
                field="features",
            )
        ids.append(feature.id)
    filing_number = _text(rec, "filing_number", source)
    if filing_number is not None and len(filing_number) > 64:
        raise InputError(
            "备案号过长 / longer than 64 characters",
            source=source,
            line=rec.line_of("filing_number"),
            field="filing_number",
        )
    package_name = _text(rec, "package_name", source)
    if package_name is not None and len(package_name) > 255:
        raise InputError(
            "包名过长 / longer than 255 characters",
            source=source,
            line=rec.line_of("package_name"),
            field="package_name",
        )
    raw_stores: Any = rec.values.get("stores", [])
    if isinstance(raw_stores, str):
        raw_stores = [p.strip() for p in raw_stores.replace("、", ";").split(";") if p.strip()]
    if not isinstance(raw_stores, list) or len(raw_stores) > 50:
        raise InputError(
            "应为列表（最多 50 项）/ must be a list of at most 50",
            source=source,
            line=rec.line_of("stores"),
            field="stores",
        )
    return InventoryItem(
        kind=kind,
        name=name,
        domain=domain,
        owner=_text(rec, "owner", source),
        features=tuple(dict.fromkeys(ids)),
        server_location=_text(rec, "server_location", source),
        access_provider=_text(rec, "access_provider", source),
        licence=_text(rec, "licence", source),
        line=rec.line,
        filing_number=filing_number,
        package_name=package_name,
        stores=tuple(dict.fromkeys(str(x).strip()[:100] for x in raw_stores if str(x).strip())),
    )


def _domain(text: str, rec: Record, source: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(text if "//" in text else f"//{text}").hostname
    if not host or "." not in host or " " in host:
        raise InputError(
            f"不是域名 / not a domain: {text!r}", source=source, line=rec.line_of("domain"), field="domain"
        )
    return host.lower().rstrip(".")


def parse_inventory(
    text: str, *, source: str, fmt: str, features: FeatureMap | None = None
) -> list[InventoryItem]:
    """Parse inventory text (`fmt` is yaml or csv); all-or-nothing."""
    features = features or default_features()
    if fmt == "csv":
        records = csv_records(text, source=source, list_fields=frozenset({"features"}))
    else:
        records, _header = yaml_records(text, source=source, key="items")
    items = [_item(rec, source, features) for rec in records]
    seen: dict[tuple[SiteKind, str], int] = {}
    for item in items:
        key = (item.kind, (item.domain or item.name).lower())
        if key in seen:
            raise InputError(
                f"与第 {seen[key]} 行重复 / duplicates line {seen[key]}",
                source=source,
                line=item.line,
                field="domain",
            )
        seen[key] = item.line or 0
    return items


def load_inventory(path: Path | str) -> list[InventoryItem]:
    """Load an inventory file; the format follows the extension (.csv, else YAML)."""
    path = Path(path)
    fmt = "csv" if path.suffix.lower() == ".csv" else "yaml"
    return parse_inventory(read_text(path), source=str(path), fmt=fmt)
