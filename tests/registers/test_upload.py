"""A local file becomes an `Upload` only under the attachment cap, and an unreadable one names its option."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.model.errors import InputError
from vats.registers.upload import Upload, upload_from_path


def test_a_file_under_the_cap_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "回执.png"
    path.write_bytes(b"\x89PNG receipt")
    assert upload_from_path(path, field="--receipt") == Upload("回执.png", b"\x89PNG receipt")


def test_a_file_over_the_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_ATTACHMENT_MAX_BYTES", "4")
    path = tmp_path / "big.pdf"
    path.write_bytes(b"12345")
    with pytest.raises(InputError) as refused:
        upload_from_path(path, field="--document")
    assert refused.value.field == "--document"


def test_a_missing_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError) as missing:
        upload_from_path(tmp_path / "nope.txt", field="file")
    assert missing.value.field == "file"
