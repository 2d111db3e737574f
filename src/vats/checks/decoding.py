"""Bounded decoding of HTTP content encodings for the crawler.

httpx decodes each received chunk in one call, so a few kilobytes of brotli or nested gzip can turn
into gigabytes before any cap is looked at. Here every layer decompresses in slices of at most
`SLICE` bytes and the chain stops as soon as the output passes its limit, so memory stays bounded by
the limit plus a few slices whatever the compression ratio. The number of layers is bounded too:
a server has no honest reason to stack more than two encodings.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli

SLICE = 64 * 1024
MAX_LAYERS = 2
SUPPORTED = ("gzip", "x-gzip", "deflate", "br", "identity")
ACCEPT_ENCODING = "gzip, deflate, br"


class BadEncodingError(ValueError):
    """The body names an encoding we refuse (unknown, too many layers) or does not decode."""


class _Layer(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _Zlib:
    """gzip (with concatenated members) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._obj.decompress(data, SLICE)
            except zlib.error as exc:
                if self._gzip or self._started:
                    kind = "gzip" if self._gzip else "deflate"
                    raise BadEncodingError(f"invalid {kind} data: {exc}") from None
                self._wbits = -zlib.MAX_WBITS  # raw deflate without the zlib header
                self._obj = zlib.decompressobj(self._wbits)
                self._started = True
                continue
            self._started = True
            if out:
                yield out
            if self._obj.eof:
                data = self._obj.unused_data
                if data and self._gzip:  # another gzip member follows
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                return  # trailing bytes after a deflate stream are ignored
            data = self._obj.unconsumed_tail


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._obj.process(data, output_buffer_limit=SLICE)
            while True:
                if out:
                    yield out
                if self._obj.can_accept_more_data():
                    return
                out = self._obj.process(b"", output_buffer_limit=SLICE)
        except brotli.error as exc:
            raise BadEncodingError(f"invalid brotli data: {exc}") from None


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), SLICE):
            yield data[start : start + SLICE]


def _layer(name: str) -> _Layer:
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br":
        return _Brotli()
    return _Identity()


def parse_encodings(header: str | None) -> list[str]:
    """The encodings of a `Content-Encoding` header in the order they must be undone.

    Raises `BadEncodingError` for an encoding we cannot decode or more than `MAX_LAYERS` layers."""
    names = [n.strip().lower() for n in (header or "").split(",") if n.strip()]
    for name in names:
        if name not in SUPPORTED:
            raise BadEncodingError(f"unsupported content-encoding {name!r}")
    layers = [n for n in names if n != "identity"]
    if len(layers) > MAX_LAYERS:
        raise BadEncodingError(f"{len(layers)} content-encoding layers (at most {MAX_LAYERS})")
    return list(reversed(layers))


class BoundedDecoder:
    """Undo a body's content encodings, yielding decoded slices; the caller stops at its cap.

    Because every layer is a generator working in slices, abandoning the iteration once the cap is
    reached leaves the rest of a bomb undecoded."""

    def __init__(self, content_encoding: str | None) -> None:
        self._layers = [_layer(n) for n in parse_encodings(content_encoding)] or [_Identity()]

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, self._layers[0].feed(data))

    def _through(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        if index + 1 == len(self._layers):
            yield from pieces
            return
        nxt = self._layers[index + 1]
        for piece in pieces:
            yield from self._through(index + 1, nxt.feed(piece))
