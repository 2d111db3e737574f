"""Bytes to text: refuse what is not a text document, detect the encoding, and say which one.

Licences reach us as UTF-8 (often with a BOM from Windows editors), GB18030/GBK (exports from
older Chinese office software) or UTF-16 with a BOM. Detection is deliberately strict: a wrong
guess would produce mojibake that later looks like "not a licence", which is a worse message
than "this is not UTF-8 or GB18030".
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from vats.model.errors import InputError

#: Largest document `read_licence` accepts (bytes). A real licence is a few kB of text or a few
#: MB of PDF; anything far bigger is a mistake (wrong file, a log, a disk image) and reading it
#: whole would cost memory for nothing.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Control characters other than tab, LF, CR and form feed never appear in a text licence.
_CONTROL = bytes(sorted(frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}))
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (BOM)"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text plus the encoding it was read with (`utf-8`, `utf-8-sig`, `gb18030`, `utf-16`)."""

    text: str
    encoding: str
    label: str  # human-readable: "UTF-8", "UTF-8 with BOM", "GB18030/GBK"


def looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control characters in the first 8 kB (images, archives, UTF-16
    without a BOM); those must be refused before any decoding attempt."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))  # C speed: delete, then compare
    return controls > max(4, len(head) // 100)


def decode_bytes(data: bytes, *, source: str | None = None) -> Decoded:
    """Decode a text document, trying BOMs, strict UTF-8, then strict GB18030.

    Raises `InputError` naming `source` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("文件为空 / the document is empty", source=source)
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec, label)
            except UnicodeDecodeError as exc:
                raise _undecodable(data, exc, codec, source) from None
    if looks_binary(data):
        raise InputError("不是文本文件 / this is a binary file, not a text or PDF licence", source=source)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "UTF-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return Decoded(data.decode("gb18030"), "gb18030", "GB18030/GBK")
        except UnicodeDecodeError:
            raise _undecodable(data, utf8_error, "UTF-8 or GB18030", source) from None


def _undecodable(data: bytes, exc: UnicodeDecodeError, tried: str, source: str | None) -> InputError:
    line = data.count(b"\n", 0, exc.start) + 1
    return InputError(
        f"无法识别的文本编码 / cannot decode the text as {tried} (byte 0x{data[exc.start]:02x} at "
        f"offset {exc.start}); save the file as UTF-8",
        source=source,
        line=line,
    )
