"""Reading a licence document end to end: bytes -> text -> normalised lines -> `Licence`.

The public entry points of the ingest layer (see the contracts): `read_licence(path)` and
`parse_licence_text(text)`. Heavy readers (pdfplumber) are imported only for PDFs, so parsing a
text licence stays fast to start.
"""

from __future__ import annotations

import dataclasses
import hashlib
import stat
from pathlib import Path

from vats.ingest.decode import MAX_DOCUMENT_BYTES, decode_bytes
from vats.ingest.extract import extract
from vats.ingest.normalise import normalise
from vats.ingest.ocr import default_engine, is_image
from vats.ingest.pdf import is_pdf
from vats.model.errors import InputError
from vats.model.licence import DocumentSource, Licence


def parse_licence_text(text: str, *, source_name: str | None = None) -> Licence:
    """Parse licence text already in memory (no document source recorded)."""
    return extract(normalise(text), source=source_name)


def parse_licence_bytes(data: bytes, *, source_name: str | None = None) -> Licence:
    """Parse a whole document given as bytes (a file's content or stdin): PDF or text."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_big(len(data), source_name)
    media_type = "text/plain"
    if is_image(data):  # a photo or scan of the licence: only OCR can read it
        text, encoding, media_type = default_engine().recognise(data, source=source_name), "ocr", "image/*"
    elif is_pdf(data):
        from vats.ingest.pdf import pdf_text

        text, encoding, media_type = pdf_text(data, source=source_name), "pdf", "application/pdf"
    else:
        decoded = decode_bytes(data, source=source_name)
        text, encoding = decoded.text, decoded.encoding
    licence = parse_licence_text(text, source_name=source_name)
    source = DocumentSource(source_name, encoding, hashlib.sha256(data).hexdigest(), media_type)
    return dataclasses.replace(licence, source=source)


def read_licence(path: str | Path) -> Licence:
    """Read and parse a licence file; `InputError` naming the file for anything unusable.

    Kind and size are checked with `stat` before reading: a mistaken 50 MB file is refused without
    being loaded, and a device (/dev/zero) or a FIFO — whose size says nothing, and which could be
    read forever or block forever — is refused outright. The read itself stops one byte past the
    cap, in case the file grows in between.
    """
    path = Path(path)
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError("这是目录,不是文件 / this is a directory, not a file", source=name)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("不是普通文件 / not a regular file (device, FIFO or socket)", source=name)
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise _too_big(info.st_size, name)
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise _too_big(len(data), name)
    except FileNotFoundError:
        raise InputError("文件不存在 / no such file", source=name) from None
    except PermissionError:
        raise InputError("无权读取 / permission denied", source=name) from None
    except IsADirectoryError:
        raise InputError("这是目录,不是文件 / this is a directory, not a file", source=name) from None
    return parse_licence_bytes(data, source_name=name)


def _too_big(size: int, name: str | None) -> InputError:
    return InputError(
        f"文件过大 / the document is too large ({size / 1_048_576:.1f} MB; the limit is "
        f"{MAX_DOCUMENT_BYTES // 1_048_576} MB)",
        source=name,
    )
