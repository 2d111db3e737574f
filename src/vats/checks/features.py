"""Product features mapped to the telecom business catalogue (data: `vats/reference/features.yaml`).

The mapping is data, not code, because it is a legal reading that compliance staff must be able to
review and correct; distinctions that decide a finding (site search over one's own listings is not
the catalogue's search service) are written into the data with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vats.checks.records import Record, read_text, yaml_records
from vats.model.errors import InputError
from vats.model.sources import Reliability

FEATURES_PATH = Path(__file__).resolve().parents[1] / "reference" / "features.yaml"
REQUIRED = ("id", "name_zh", "name_en", "service", "subtype", "reliability")
OPTIONAL = ("aliases", "not_subtypes", "note_zh", "note_en")


@dataclass(frozen=True, slots=True)
class Feature:
    """One product feature and the catalogue business type / sub-type it is operated under."""

    id: str
    name_zh: str
    name_en: str
    service: str | None
    subtype: str | None
    reliability: Reliability
    aliases: tuple[str, ...] = ()
    not_subtypes: tuple[str, ...] = ()
    note_zh: str | None = None
    note_en: str | None = None


@dataclass(frozen=True, slots=True)
class FeatureMap:
    """All features, looked up by id or alias (case-insensitive)."""

    features: tuple[Feature, ...]
    _index: dict[str, Feature]

    def get(self, name: str) -> Feature | None:
        return self._index.get(name.strip().lower())

    def __iter__(self) -> Iterator[Feature]:
        return iter(self.features)


def _feature(rec: Record, source: str) -> Feature:
    values = rec.values
    unknown = set(values) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        name = sorted(unknown)[0]
        raise InputError("未知字段 / unknown field", source=source, line=rec.line_of(name), field=name)
    for name in REQUIRED:
        if name not in values:
            raise InputError(
                "缺少必填字段 / required field missing", source=source, line=rec.line, field=name
            )
    try:
        reliability = Reliability(values["reliability"])
    except ValueError:
        raise InputError(
            f"应为 {', '.join(r.value for r in Reliability)} / must be one of them",
            source=source,
            line=rec.line_of("reliability"),
            field="reliability",
        ) from None
    for name in ("aliases", "not_subtypes"):
        if not isinstance(values.get(name, []), list):
            raise InputError("应为列表 / must be a list", source=source, line=rec.line_of(name), field=name)
    if (values.get("not_subtypes") or values["service"] is None) and not values.get("note_en"):
        raise InputError(
            "需说明理由 / note_en must explain the distinction", source=source, line=rec.line, field="note_en"
        )
    return Feature(
        id=str(values["id"]),
        name_zh=str(values["name_zh"]),
        name_en=str(values["name_en"]),
        service=values["service"],
        subtype=values["subtype"],
        reliability=reliability,
        aliases=tuple(str(a) for a in values.get("aliases", [])),
        not_subtypes=tuple(str(a) for a in values.get("not_subtypes", [])),
        note_zh=values.get("note_zh"),
        note_en=values.get("note_en"),
    )


def load_features(path: Path | str = FEATURES_PATH) -> FeatureMap:
    """Load and validate a feature map; errors name the file, line and field."""
    path = Path(path)
    source = str(path)
    records, header = yaml_records(read_text(path), source=source, key="features")
    if header.get("version") != 1:
        raise InputError(
            "不支持的版本 / unsupported version (expected 1)", source=source, line=1, field="version"
        )
    features: list[Feature] = []
    index: dict[str, Feature] = {}
    for rec in records:
        feature = _feature(rec, source)
        for name in (feature.id, *feature.aliases):
            key = name.strip().lower()
            if key in index:
                raise InputError(
                    f"重复的名称 / duplicate id or alias {name!r}", source=source, line=rec.line, field="id"
                )
            index[key] = feature
        features.append(feature)
    return FeatureMap(tuple(features), index)


@cache
def default_features() -> FeatureMap:
    """The bundled feature map (cached)."""
    return load_features()
