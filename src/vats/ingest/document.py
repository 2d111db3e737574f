"""Reading a licence document end to end: bytes -> text -> normalised lines -> `Licence`.

The public entry points of the ingest layer (see the contracts): `read_licence(path)` and
`parse_licence_text(text)`. Heavy readers (pdfplumber) are imported only for PDFs, so parsing a
text licence stays fast to start.
"""

from __future__ import annotations

import dataclasses
import hashlib
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vats.ingest.decode import MAX_DOCUMENT_BYTES, decode_bytes
from vats.ingest.extract import extract
from vats.ingest.normalise import normalise
from vats.ingest.ocr import is_image
from vats.ingest.pdf import is_pdf
from vats.model.errors import InputError
from vats.model.licence import DocumentSource, Licence

if TYPE_CHECKING:
    from vats.ingest.ofd import OfdDocument
    from vats.ingest.scan.reading import ScanReading


def parse_licence_text(text: str, *, source_name: str | None = None) -> Licence:
    """Parse licence text already in memory (no document source recorded)."""
    return extract(normalise(text), source=source_name)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed document; `scan` holds per-field confidence and boxes when it was read by OCR."""

    licence: Licence
    scan: ScanReading | None = None
    ofd: OfdDocument | None = None  # an OFD e-licence: seal images and signature checks


def needs_ocr(data: bytes, *, source_name: str | None = None) -> bool:
    """True for a page image, or a PDF without a text layer (a scan saved as PDF)."""
    if is_image(data):
        return True
    if is_pdf(data):
        from vats.ingest.pdf import pdf_text_layer

        return not pdf_text_layer(data, source=source_name).strip()
    return False


def parse_documents(files: Sequence[tuple[bytes, str | None]]) -> Parsed:
    """One licence from one or more files: a text/PDF document alone, or scan pages read together.

    Several files are one licence only when they are page images or scanned PDFs (`vats parse
    p1.jpg p2.jpg`); a text document is a whole licence on its own.
    """
    if not files:
        raise InputError("没有文件 / no file given")
    if len(files) == 1:
        return parse_document_bytes(files[0][0], source_name=files[0][1])
    for data, name in files:
        if len(data) > MAX_DOCUMENT_BYTES:
            raise _too_big(len(data), name)
        if not needs_ocr(data, source_name=name):
            raise InputError(
                "多个文件只能是同一许可证的扫描页 / several files must all be scanned pages of one licence",
                source=name,
            )
    return _scan(files)


def read_documents(paths: Sequence[str | Path]) -> Parsed:
    """Read and parse one licence from files (see `parse_documents`)."""
    return parse_documents([(read_bounded(p), str(p)) for p in paths])


def _scan(files: Sequence[tuple[bytes, str | None]]) -> Parsed:
    from vats.ingest.scan.reading import read_scan

    reading = read_scan(files)
    return Parsed(reading.licence, reading)


def ofd_lines(document: OfdDocument) -> list[str]:
    """An OFD's text lines in reading order, a blank line between pages (as the parser numbers them)."""
    from vats.ingest.scan.layout import reading_order

    lines: list[str] = []
    page = 0
    for line in reading_order(list(document.boxes)):
        if page and line.page != page:
            lines.append("")
        page = line.page
        lines.append(line.text)
    return lines


def _ofd(data: bytes, source_name: str | None) -> Parsed:
    """An OFD e-licence: its text objects in reading order through the same extractor."""
    from vats.ingest.ofd import read_ofd

    document = read_ofd(data, source=source_name)
    pages = ofd_lines(document)
    if not any(pages):
        raise InputError("OFD 中没有文字 / the OFD has no text", source=source_name)
    licence = parse_licence_text("\n".join(pages), source_name=source_name)
    source = DocumentSource(source_name, "ofd", hashlib.sha256(data).hexdigest(), "application/ofd")
    return Parsed(dataclasses.replace(licence, source=source), ofd=document)


def parse_document_bytes(data: bytes, *, source_name: str | None = None) -> Parsed:
    """Parse a whole document given as bytes: text, a PDF with a text layer, or a scan (OCR)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_big(len(data), source_name)
    if is_image(data):  # a photo or scan of the licence: only OCR can read it
        return _scan([(data, source_name)])
    if data.startswith(b"PK\x03\x04"):
        from vats.ingest.ofd import is_ofd

        if is_ofd(data):
            return _ofd(data, source_name)
    if is_pdf(data):
        from vats.ingest.pdf import pdf_text_layer

        text = pdf_text_layer(data, source=source_name)
        if not text.strip():  # a scan saved as PDF
            return _scan([(data, source_name)])
        encoding, media_type = "pdf", "application/pdf"
    else:
        decoded = decode_bytes(data, source=source_name)
        text, encoding, media_type = decoded.text, decoded.encoding, "text/plain"
    licence = parse_licence_text(text, source_name=source_name)
    source = DocumentSource(source_name, encoding, hashlib.sha256(data).hexdigest(), media_type)
    return Parsed(dataclasses.replace(licence, source=source))


def parse_licence_bytes(data: bytes, *, source_name: str | None = None) -> Licence:
    """Parse a whole document given as bytes (a file's content or stdin): text, PDF or a scan."""
    return parse_document_bytes(data, source_name=source_name).licence


def read_licence(path: str | Path) -> Licence:
    """Read and parse a licence file; `InputError` naming the file for anything unusable."""
    return parse_licence_bytes(read_bounded(path), source_name=str(path))


def read_bounded(path: str | Path) -> bytes:
    """A document's bytes; `InputError` naming the file for anything unusable.

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
    return data


def _too_big(size: int, name: str | None) -> InputError:
    return InputError(
        f"文件过大 / the document is too large ({size / 1_048_576:.1f} MB; the limit is "
        f"{MAX_DOCUMENT_BYTES // 1_048_576} MB)",
        source=name,
    )
