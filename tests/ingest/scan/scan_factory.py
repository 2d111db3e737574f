"""Small page images and PDFs for the scan tests, made in memory (nothing shipped, nothing fetched)."""

from __future__ import annotations

import io
import struct
import zlib


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels but carries a few bytes of data (a bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def blank_pdf(pages: int) -> bytes:
    """A PDF of empty A4 pages (no text layer), built with PDFium."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def text_image(lines: list[str], *, dpi: int = 200) -> bytes:
    """A PNG with `lines` printed in a CJK font, as a small scanned strip."""
    from vats.ingest.scan.paper import Condition, render_pages, to_bytes

    page = render_pages(lines, Condition(dpi=dpi))[0]
    step = round(11 / 72 * dpi * 1.9)
    top = round(0.9 * dpi) - step // 2
    return to_bytes(page.crop((0, top, page.width, top + step * (len(lines) + 1))))
