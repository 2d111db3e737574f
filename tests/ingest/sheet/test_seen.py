"""The sheet's memory of rows, numbers and organisations: the same answers before and after it spills."""

from __future__ import annotations

import pytest

from vats.ingest.sheet.seen import SeenStore


@pytest.mark.parametrize("memory_entries", [1000, 3])
def test_first_value_wins_in_memory_and_on_disk(memory_entries: int) -> None:
    with SeenStore(memory_entries=memory_entries) as seen:
        for row in range(2, 12):
            assert seen.setdefault("row", f"digest-{row}", str(row)) == str(row)
        assert seen.spilled is (memory_entries < 10)
        assert seen.setdefault("row", "digest-5", "99") == "5"
        assert seen.get("number", "digest-5") is None  # namespaces are separate
        seen.put("org", "甲公司", '["code", null]')
        seen.put("org", "甲公司", '["code", 7]')
        assert seen.get("org", "甲公司") == '["code", 7]'


def test_unknown_namespace_is_refused() -> None:
    with SeenStore() as seen, pytest.raises(ValueError, match="namespace"):
        seen.put("rows", "k", "v")


def test_close_forgets_everything() -> None:
    seen = SeenStore(memory_entries=1)
    seen.put("row", "a", "1")
    seen.put("row", "b", "2")
    assert seen.spilled
    seen.close()
    assert not seen.spilled and seen.get("row", "a") is None
