"""Encoding detection: UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 with BOM; refusals."""

from __future__ import annotations

import codecs

import pytest

from vats.ingest.decode import decode_bytes, looks_binary
from vats.model.errors import InputError

TEXT = "经营许可证编号:渝B2-20210467\n公司名称:重庆测试科技有限公司\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_detects_and_says_which(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data, source="x.txt")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (TEXT.encode("utf-16-le"), "binary"),
        ("café résumé ".encode("latin-1") * 3, "cannot decode"),
    ],
)
def test_refuses_unusable_bytes_naming_the_file(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, source="bad.txt")
    assert needle in str(info.value)
    assert str(info.value).startswith("bad.txt")


def test_undecodable_error_names_the_line() -> None:
    data = "第一行\n第二行\n".encode() + b"caf\xe9 \n"
    with pytest.raises(InputError) as info:
        decode_bytes(data, source="f.txt")
    assert info.value.line == 3


def test_text_is_not_binary() -> None:
    assert not looks_binary(TEXT.encode("utf-8") * 100)
