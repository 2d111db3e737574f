"""The bounded child that reads uploads: files packed for it (and for a background job's input) come
back unchanged, it reports pages read as it goes, a bad file is an input error naming the file, and
a reading past its time-out is refused."""

from __future__ import annotations

import pytest
from scan_factory import text_image

from vats.ingest.scan.isolated import pack_files, read_isolated, unpack_files
from vats.model.errors import InputError


def test_packed_files_unpack_in_order_with_their_names() -> None:
    files: list[tuple[bytes, str | None]] = [(b"\x89PNG first", "第1页.png"), (b"", None), (b"\n\n", "b.jpg")]
    assert unpack_files(pack_files(files)) == files


def test_the_child_reports_each_page_read() -> None:
    strip = text_image(["经营许可证编号：渝B2-20210467", "公司名称：重庆甲乙科技有限公司"])
    heard: list[tuple[int, int]] = []
    scan = read_isolated([(strip, "a.png"), (strip, "b.png")], progress=lambda d, t: heard.append((d, t)))
    assert heard == [(0, 2), (1, 2), (2, 2)]
    assert scan.licence.number == "渝B2-20210467"
    assert [p.number for p in scan.previews] == [1, 2]


def test_a_broken_file_is_an_input_error_naming_it() -> None:
    heard: list[tuple[int, int]] = []
    with pytest.raises(InputError) as caught:
        read_isolated([(b"\x89PNG\r\n\x1a\n broken", "坏.png")], progress=lambda d, t: heard.append((d, t)))
    assert caught.value.source == "坏.png"
    assert heard == []  # the pages were never counted: nothing was read


def test_a_reading_past_its_time_out_is_refused() -> None:
    strip = text_image(["经营许可证编号：渝B2-20210467"])
    with pytest.raises(InputError, match="识别超时"):
        read_isolated([(strip, "a.png")], timeout=0.05)
