"""Reading QR codes out of a PNG/JPEG image or a PDF (zxing-cpp), e.g. a licence copy's statement.

Bounded like every document reader: the file size, a PDF's page count and an image's pixel count are
checked before decoding, so a hostile upload costs little.
"""

from __future__ import annotations

import io

from vats.ingest.ocr import is_image
from vats.ingest.pdf import is_pdf
from vats.model.errors import InputError

MAX_BYTES = 32 << 20
MAX_PAGES = 10
MAX_PIXELS = 40_000_000


def qr_texts(data: bytes, *, field: str = "file") -> list[str]:
    """Every QR code's text found in the image or PDF `data`, page by page."""
    if len(data) > MAX_BYTES:
        raise InputError("文件过大 / file too large", field=field)
    if is_pdf(data):
        images = _pdf_pages(data, field=field)
    elif is_image(data):
        images = [_image(data, field=field)]
    else:
        raise InputError("只能读取 PNG/JPEG 图片或 PDF / only PNG, JPEG or PDF", field=field)
    import zxingcpp

    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    found: list[str] = []
    for img in images:
        for code in zxingcpp.read_barcodes(img, formats=qr_only):
            if code.text and code.text not in found:
                found.append(code.text)
    return found


def _image(data: bytes, *, field: str):  # type: ignore[no-untyped-def]
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise InputError("图片像素过多 / image too large", field=field)
            return img.convert("L")
    except (OSError, Image.DecompressionBombError) as exc:
        raise InputError(f"图片无法读取 / unreadable image: {exc}", field=field) from None


def _pdf_pages(data: bytes, *, field: str) -> list:  # type: ignore[type-arg]
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"PDF 无法读取 / unreadable PDF: {exc}", field=field) from None
    try:
        out = []
        for n, page in enumerate(document):
            if n >= MAX_PAGES:
                break
            width, height = page.get_size()
            scale = min(200 / 72, (MAX_PIXELS / max(width * height, 1)) ** 0.5)
            out.append(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
        return out
    finally:
        document.close()
