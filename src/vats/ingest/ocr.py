"""The seam for scanned licences: an OCR engine turns page images into text.

No engine ships today, so `default_engine()` returns one that refuses with a clear message. When
an engine is added (e.g. a local PaddleOCR or Tesseract wrapper), it implements `OcrEngine` and
`default_engine()` returns it; nothing else in the ingest pipeline changes, because the PDF
reader already hands over the raw document bytes when a PDF has no text layer.
"""

from __future__ import annotations

from typing import Protocol

from vats.model.errors import InputError


class OcrEngine(Protocol):
    """Recognise the text of a scanned document (PDF or image bytes)."""

    def recognise(self, data: bytes, *, source: str | None = None) -> str:
        """Return the document's text, one printed line per line, pages in order."""
        ...


class UnavailableOcr:
    """The engine used while none is installed: always refuses, naming the file."""

    def recognise(self, data: bytes, *, source: str | None = None) -> str:
        raise InputError(
            "没有文本层,暂不支持 OCR / no text layer; OCR not available (export the licence as text, "
            "or a PDF with a text layer)",
            source=source,
        )


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a", b"BM")


def is_image(data: bytes) -> bool:
    """A scanned page saved as PNG, JPEG, TIFF, GIF or BMP (WebP: RIFF....WEBP)."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def default_engine() -> OcrEngine:
    """The OCR engine to use for image-only documents."""
    return UnavailableOcr()
