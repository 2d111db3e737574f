"""The 2015 telecom business catalogue: codes, hierarchy and names as printed on licences."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.model.catalogue import EntryKind
from vats.model.errors import InputError
from vats.reference import catalogue as cat
from vats.reference.catalogue import (
    catalogue,
    entry,
    is_legacy_name,
    load_catalogue,
    match_service,
    subtype_by_name,
)


def test_edition_and_unconfirmed_amendment() -> None:
    c = catalogue()
    assert c.edition == "2015" and c.effective == "2016-03-01"
    assert "UNCONFIRMED" in c.amendment_note


def test_codes_and_hierarchy() -> None:
    codes = {e.code for e in catalogue().entries}
    assert {
        "B1",
        "B11",
        "B12",
        "B13",
        "B14",
        "B2",
        "B21",
        "B22",
        "B23",
        "B24",
        "B24-1",
        "B24-2",
        "B25",
        "B26",
        "B26-1",
    } <= codes
    b25 = entry("B25")
    assert b25 is not None and b25.parent == "B2" and b25.kind is EntryKind.SERVICE
    assert [catalogue().get(s).name for s in b25.subtypes] == [  # type: ignore[union-attr]
        "信息发布平台和递送服务",
        "信息搜索查询服务",
        "信息社区平台服务",
        "信息即时交互服务",
        "信息保护和处理服务",
    ]
    assert entry("b24-1").parent == "B24"  # type: ignore[union-attr]
    assert {e.name for e in catalogue().children("B21")} == {
        "交易处理业务",
        "电子数据交换业务",
        "网络/电子设备数据处理业务",
    }
    assert {e.name for e in catalogue().children("B21/transaction")} == {
        "经营类电子商务",
        "网络借贷信息中介类的互联网金融业务",
    }
    assert entry("A2").basic is True  # type: ignore[union-attr]


def test_every_entry_has_bilingual_definitions() -> None:
    for e in catalogue().entries:
        assert e.definition_zh and e.definition_en and e.name_en, e.code


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("信息服务业务（仅限互联网信息服务）", "B25"),
        (
            "信息服务业务(仅限互联网信息服务)不含信息搜索查询服务、信息即时交互服务。【依法须经批准的项目】",
            "B25",
        ),
        ("因特网信息服务业务", "B25"),
        ("在线数据处理与交易处理业务（仅限经营类电子商务）", "B21"),
        ("在线数据处理与交易处理业务", "B21"),
        ("互联网数据中心业务", "B11"),
        ("互联网数据中心业务（仅限互联网资源协作服务）", "B11"),
        ("内容分发网络业务", "B12"),
        ("互联网接入服务业务 （仅为互联网平台提供接入服务）", "B14"),
        ("国内呼叫中心业务", "B24-1"),
        ("互联网域名解析服务业务", "B26-1"),
    ],
)
def test_match_service(printed: str, code: str) -> None:
    found = match_service(printed)
    assert found is not None and found.code == code


def test_match_service_rejects_unknown_and_subtypes() -> None:
    assert match_service("卫星转播业务") is None
    assert match_service("") is None
    assert match_service("信息搜索查询服务") is None  # a sub-type, not a business type


def test_subtype_by_name() -> None:
    assert subtype_by_name("信息搜索查询服务").parent == "B25"  # type: ignore[union-attr]
    assert subtype_by_name("不含信息即时交互服务").code == "B25/instant"  # type: ignore[union-attr]
    assert subtype_by_name("信息发布平台及递送服务").code == "B25/publishing"  # type: ignore[union-attr]
    assert subtype_by_name("经营类电子商务").code == "B21/ecommerce"  # type: ignore[union-attr]
    assert subtype_by_name("网络借贷信息中介类的互联网金融业务").parent == "B21/transaction"  # type: ignore[union-attr]
    assert subtype_by_name("信息服务业务") is None


def test_legacy_names() -> None:
    assert is_legacy_name("因特网信息服务业务")
    assert not is_legacy_name("信息服务业务（仅限互联网信息服务）")


def test_loader_rejects_bad_parent_and_unknown_kind(tmp_path: Path) -> None:
    text = cat.DATA_PATH.read_text(encoding="utf-8")
    path = tmp_path / "catalogue.yaml"
    path.write_text(text.replace("    parent: B24\n", "    parent: B99\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalogue(path)
    assert err.value.field is not None and err.value.field.endswith(".parent") and err.value.line is not None
    path.write_text(text.replace("kind: subcode", "kind: gadget", 1), encoding="utf-8")
    with pytest.raises(InputError, match="gadget"):
        load_catalogue(path)
    path.write_text(text.replace("    basic: true\n", "    basic: yes please\n", 1), encoding="utf-8")
    with pytest.raises(InputError, match="expected bool"):
        load_catalogue(path)


def test_bundled_file_has_no_duplicate_keys() -> None:
    """The fast loader keeps the last of two equal keys silently; the line-aware one refuses them."""
    from vats.reference.marked_yaml import load_marked

    assert load_marked(cat.DATA_PATH).data["edition"] == "2015"
