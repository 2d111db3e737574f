"""Every media type a stored original can carry reads as a Chinese name, never as a MIME code."""

from __future__ import annotations

import pytest

from vats.ingest.sniff import media_type
from vats.report.labels import MEDIA_TYPES, audit_label

SAMPLES = [
    b"%PDF-1.7\n",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"II*\x00",
    b"MM\x00*",
    b"GIF89a",
    b"BM\x00\x00",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic",
    b"PK\x03\x04",
    b"plain words",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_every_sniffed_media_type_has_a_chinese_name(data: bytes) -> None:
    code = media_type(data)
    zh, en = MEDIA_TYPES[code]
    assert not zh.isascii() and "/" not in zh and en


def test_media_names_in_both_languages_and_unknown_codes_stay_visible() -> None:
    assert audit_label(MEDIA_TYPES, "image/png") == "PNG 图片"
    assert audit_label(MEDIA_TYPES, "image/png", "en") == "PNG image"
    assert audit_label(MEDIA_TYPES, "video/mp4") == "video/mp4"
