"""Output files appear whole or not at all; an earlier good copy survives a failed write."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.report.files import replacing, write_bytes


def test_write_bytes_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_a_failure_midway_keeps_the_old_file_and_leaves_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "calendar.ics"
    target.write_bytes(b"good")

    class RenderError(Exception):
        pass

    with pytest.raises(RenderError), replacing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RenderError
    assert target.read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendar.ics"]


def test_nothing_is_created_when_the_directory_is_missing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_bytes(tmp_path / "missing" / "out.html", b"x")
    assert not (tmp_path / "missing").exists()
