"""The bundled feature map and its validating loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.checks.features import default_features, load_features
from vats.model.errors import InputError


def test_bundled_map_encodes_the_search_distinction() -> None:
    features = default_features()
    own = features.get("site_search_own_listings")
    engine = features.get("搜索引擎")
    assert own is not None and engine is not None
    assert own.subtype != "信息搜索查询服务" and "信息搜索查询服务" in own.not_subtypes
    assert engine.subtype == "信息搜索查询服务"
    assert own.note_en and "search engine" in own.note_en


def test_dealer_chat_is_instant_interaction_and_p2p_is_lending() -> None:
    features = default_features()
    assert features.get("Dealer Chat").subtype == "信息即时交互服务"  # type: ignore[union-attr]
    assert features.get("p2p").service == "B21"  # type: ignore[union-attr]
    assert features.get("own_goods_shop").service is None  # type: ignore[union-attr]


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "features.yaml"
    path.write_text("version: 1\nfeatures:\n" + body, encoding="utf-8")
    return path


def test_unknown_field_named_with_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - id: a\n    name_zh: 甲\n    name_en: A\n    service: B25\n    subtype: null\n"
        "    reliability: official\n    colour: red\n",
    )
    with pytest.raises(InputError) as err:
        load_features(path)
    assert (err.value.source, err.value.line, err.value.field) == (str(path), 9, "colour")


def test_distinction_without_reason_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - id: a\n    name_zh: 甲\n    name_en: A\n    service: B25\n    subtype: x\n"
        "    reliability: practice\n    not_subtypes: [y]\n",
    )
    with pytest.raises(InputError, match="explain"):
        load_features(path)


def test_duplicate_alias_and_bad_reliability(tmp_path: Path) -> None:
    entry = (
        "  - id: {id}\n    name_zh: 甲\n    name_en: A\n    service: B25\n    subtype: x\n"
        "    reliability: {r}\n"
    )
    path = _write(tmp_path, entry.format(id="a", r="official") + entry.format(id="A", r="official"))
    with pytest.raises(InputError, match="duplicate"):
        load_features(path)
    path = _write(tmp_path, entry.format(id="a", r="rumour"))
    with pytest.raises(InputError) as err:
        load_features(path)
    assert err.value.field == "reliability" and err.value.line == 8


def test_every_mapping_names_a_real_catalogue_entry() -> None:
    from vats.reference.catalogue import entry, subtype_by_name

    for feature in default_features():
        if feature.service is not None:
            assert entry(feature.service) is not None, feature.id
        for name in (feature.subtype, *feature.not_subtypes):
            if name is not None:
                assert subtype_by_name(name) is not None, (feature.id, name)
