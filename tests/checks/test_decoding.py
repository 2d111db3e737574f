"""Bounded content decoding: slices, layer limits, refused encodings, odd but honest encodings."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from vats.checks.decoding import SLICE, BadEncodingError, BoundedDecoder, parse_encodings


def _decode(body: bytes, encoding: str | None) -> bytes:
    decoder = BoundedDecoder(encoding)
    return b"".join(p for i in range(0, len(body), 7) for p in decoder.feed(body[i : i + 7]))


def test_layers_are_undone_in_reverse_order() -> None:
    page = "<p>许可证</p>".encode() * 50
    assert _decode(brotli.compress(gzip.compress(page)), "gzip, br") == page
    assert parse_encodings("gzip, br") == ["br", "gzip"]


def test_every_slice_is_bounded_even_for_a_bomb() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * (8 << 20)))
    pieces = BoundedDecoder("gzip, gzip").feed(bomb)
    sizes = [len(next(pieces)) for _ in range(20)]
    assert max(sizes) <= SLICE and sum(sizes) > 0


def test_more_than_two_layers_refused() -> None:
    with pytest.raises(BadEncodingError, match="layers"):
        BoundedDecoder("gzip, gzip, gzip")


def test_unknown_encoding_refused() -> None:
    with pytest.raises(BadEncodingError, match="zstd"):
        BoundedDecoder("zstd")


def test_raw_deflate_and_zlib_deflate_both_decode() -> None:
    page = b"<html>" * 100
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert _decode(raw.compress(page) + raw.flush(), "deflate") == page
    assert _decode(zlib.compress(page), "deflate") == page


def test_concatenated_gzip_members_decode() -> None:
    assert _decode(gzip.compress(b"ab") + gzip.compress(b"cd"), "gzip") == b"abcd"


def test_corrupt_data_is_a_bad_encoding() -> None:
    with pytest.raises(BadEncodingError, match="gzip"):
        _decode(b"not gzip at all", "gzip")
    with pytest.raises(BadEncodingError, match="brotli"):
        _decode(b"\xff" * 40, "br")


def test_identity_and_no_header_pass_through() -> None:
    assert _decode(b"plain", None) == b"plain"
    assert _decode(b"plain", "identity") == b"plain"
