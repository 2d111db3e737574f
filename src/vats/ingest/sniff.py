"""What kind of document bytes are, from their first bytes only (no parsing library imported).

Its own module so the PDF reader, the OCR seam and the scan page loader can all ask "is this a
PDF?" without importing each other.
"""

from __future__ import annotations

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """PDF files start with `%PDF-` (some writers put a few junk bytes first)."""
    return PDF_MAGIC in data[:1024]


_MEDIA = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
)


def media_type(data: bytes) -> str:
    """The media type of a scan or document file, from its first bytes (for storing and serving it)."""
    if is_pdf(data):
        return "application/pdf"
    for magic, media in _MEDIA:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "image/heic"
    if data.startswith(b"PK\x03\x04"):
        return "application/ofd"
    return "application/octet-stream"
