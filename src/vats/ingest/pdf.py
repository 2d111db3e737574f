"""PDFs with a text layer, read with pdfplumber (imported here only, never on the text path).

Scanned PDFs (pages that are only images) have no text layer; they go to the OCR seam
(`vats.ingest.ocr`), which rasterises and reads them.
"""

from __future__ import annotations

import io

from vats.ingest.ocr import OcrEngine, default_engine
from vats.model.errors import InputError

PDF_MAGIC = b"%PDF-"
#: Pages beyond this are not read: a licence has fewer than twenty.
MAX_PAGES = 200


def is_pdf(data: bytes) -> bool:
    """PDF files start with `%PDF-` (some writers put a few junk bytes first)."""
    return PDF_MAGIC in data[:1024]


def pdf_text(data: bytes, *, source: str | None = None, ocr: OcrEngine | None = None) -> str:
    """The text layer of every page, pages separated by a blank line; OCR when there is none."""
    text = pdf_text_layer(data, source=source)
    if not text.strip():
        return (ocr or default_engine()).recognise(data, source=source)
    return text


def pdf_text_layer(data: bytes, *, source: str | None = None) -> str:
    """The text layer of every page, pages separated by a blank line (empty for a scanned PDF)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise InputError(f"PDF 页数过多 / the PDF has more than {MAX_PAGES} pages", source=source)
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
    except InputError:
        raise
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"PDF 文件已损坏 / the PDF cannot be read: {exc}", source=source) from None
    except Exception as exc:  # pdfminer raises many private exception types on broken files
        raise InputError(
            f"PDF 文件无法读取 / the PDF cannot be read: {type(exc).__name__}", source=source
        ) from None
    return "\n\n".join(pages)
