"""The seam for scanned licences: an OCR engine turns page images into text.

`default_engine()` is the RapidOCR reader of `vats.ingest.scan`, imported only when a scan is
actually read (so text licences and `vats parse` start-up stay light). Its `recognise` gives the
text lines a person would read, in order, with grammar-certain corrections applied; the full
reading with per-field confidence and boxes is `vats.ingest.scan.reading.read_scan`.
"""

from __future__ import annotations

from typing import Protocol


class OcrEngine(Protocol):
    """Recognise the text of a scanned document (PDF or image bytes)."""

    def recognise(self, data: bytes, *, source: str | None = None) -> str:
        """Return the document's text, one printed line per line, pages in order."""
        ...


class ScanOcr:
    """RapidOCR with the models bundled in its wheel (see `vats.ingest.scan`)."""

    def recognise(self, data: bytes, *, source: str | None = None) -> str:
        from vats.ingest.scan.reading import scan_text

        return scan_text([(data, source)])


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a", b"BM")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def is_image(data: bytes) -> bool:
    """A scanned page saved as PNG, JPEG, TIFF, GIF, BMP, WebP (RIFF....WEBP) or HEIC/HEIF."""
    return (
        data.startswith(_IMAGE_MAGIC)
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def default_engine() -> OcrEngine:
    """The OCR engine to use for image-only documents."""
    return ScanOcr()
