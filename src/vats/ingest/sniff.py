"""What kind of document bytes are, from their first bytes only (no parsing library imported).

Its own module so the PDF reader, the OCR seam and the scan page loader can all ask "is this a
PDF?" without importing each other.
"""

from __future__ import annotations

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """PDF files start with `%PDF-` (some writers put a few junk bytes first)."""
    return PDF_MAGIC in data[:1024]
