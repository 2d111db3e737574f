"""Page images from scan files: PDF without a text layer, PNG, JPEG, TIFF, WebP, HEIC.

Every input is bounded before pixels are decoded: the pixel count is read from the header (a
20,000 x 20,000 "decompression bomb" is refused without allocating it), the page count is capped
(a licence has fewer than twenty pages), and a file Pillow cannot decode is refused naming the
file. Photos are turned upright with their EXIF orientation; PDFs are rasterised with PDFium.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vats.model.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

#: Largest page accepted, in pixels: an A4 page at 300 dpi is about 8.7 million, a 48-megapixel
#: phone photo 48 million. Anything bigger is refused before decoding.
MAX_PIXELS = 60_000_000
#: Most pages read from one scan (all files of one licence together).
MAX_PAGES = 20
#: Resolution PDF pages are rasterised at: recognition is reliable from 150 dpi up.
PDF_DPI = 200
#: Longest side a page is reduced to before recognition (a 300 dpi A4 page keeps its size).
MAX_SIDE = 3600


@dataclass(frozen=True, slots=True)
class Page:
    """One upright RGB page image, with where it came from (file, 1-based page in that file)."""

    image: Image
    source: str | None
    number: int


def _refuse(message: str, source: str | None) -> InputError:
    return InputError(message, source=source)


def load_pages(data: bytes, *, source: str | None = None, first_number: int = 1) -> list[Page]:
    """Decode one file into upright RGB pages; `InputError` for anything unreadable or too big."""
    from vats.ingest.sniff import is_pdf

    if is_pdf(data):
        return list(_pdf_pages(data, source, first_number))
    return list(_image_pages(data, source, first_number))


def _pdf_pages(data: bytes, source: str | None, first: int) -> Iterator[Page]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _refuse(f"PDF 文件已损坏 / the PDF cannot be read: {exc}", source) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise _refuse(f"页数过多 / the scan has more than {MAX_PAGES} pages ({len(pdf)})", source)
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            scale = PDF_DPI / 72
            if width * height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (width * height)) ** 0.5
            image = page.render(scale=scale).to_pil().convert("RGB")
            yield Page(_fit(image), source, first + index)
    finally:
        pdf.close()


def _register_heif() -> None:
    """HEIC photos (iPhones) decode when pillow-heif is installed; without it they are refused."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow-heif is a pinned dependency
        return
    register_heif_opener()


def _image_pages(data: bytes, source: str | None, first: int) -> Iterator[Page]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _refuse(f"图像无法识别 / not a readable image: {type(exc).__name__}", source) from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(0, 0, source) from None
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_PAGES:
        raise _refuse(f"页数过多 / the scan has more than {MAX_PAGES} pages ({frames})", source)
    for index in range(frames):
        try:
            image.seek(index)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(width, height, source)
            upright = ImageOps.exif_transpose(image).convert("RGB")
        except InputError:
            raise
        except Exception as exc:  # truncated or corrupt pixel data raises many decoder errors
            raise _refuse(f"图像已损坏 / the image cannot be decoded: {type(exc).__name__}", source) from None
        yield Page(_fit(upright), source, first + index)


def _too_many_pixels(width: int, height: int, source: str | None) -> InputError:
    size = f" ({width}x{height})" if width else ""
    return _refuse(
        f"图像过大 / the image is too large{size}; the limit is {MAX_PIXELS // 1_000_000} million pixels",
        source,
    )


def _fit(image: Image) -> Image:
    """Reduce a huge photo so its longest side is `MAX_SIDE` (recognition gains nothing above)."""
    longest = max(image.size)
    if longest <= MAX_SIDE:
        return image
    ratio = MAX_SIDE / longest
    return image.resize((round(image.width * ratio), round(image.height * ratio)))
