"""Drawing a purpose-bound licence copy: the pages, a tiled diagonal watermark, a band with the copy
number and the verification QR code on every page; out come PNG pages and a PDF of them.

The copy is made from the stored original scan (a PDF's pages or a photo) when there is one, else from
a clean rendering of the licence data. Everything is drawn into the page pixels and the PDF holds only
those images: the watermark cannot be lifted off as a separate PDF object, and the text of the
licence cannot be copied out of the copy and reused without it. The band is added below each page, so
the watermark crosses the key fields while the QR never hides any of them.
"""

from __future__ import annotations

import io
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

from vats.model.errors import InputError, UnavailableError

if TYPE_CHECKING:
    from PIL import Image as PILImage

DPI = 150
PAGE_WIDTH = 1240  # A4 at 150 dpi
MAX_PAGES = 10
MAX_PIXELS = 40_000_000  # a scan larger than this is a decompression bomb, not a licence
BAND = 300  # height of the band under each page (QR and copy number)


@dataclass(frozen=True, slots=True)
class CopyMarks:
    """What is drawn on every page."""

    copy_id: str
    recipient: str
    purpose: str
    issued: str  # YYYY-MM-DD
    expires: str
    qr_text: str

    def watermark(self) -> str:
        use = "" if self.purpose.endswith("使用") else "使用"
        return f"仅供{self.recipient} {self.purpose}{use}，他用无效 {self.issued} 副本{self.copy_id}"


@dataclass(frozen=True)
class RenderedCopy:
    """The copy's PDF, and its pages as images. The PNG files are encoded when first asked for: most
    issues hand out only the PDF, and encoding every page cost as much as drawing it."""

    pdf: bytes
    pages: tuple[PILImage.Image, ...]

    @cached_property
    def pngs(self) -> tuple[bytes, ...]:
        out = []
        for page in self.pages:
            buf = io.BytesIO()
            page.save(buf, format="PNG", compress_level=1)
            out.append(buf.getvalue())
        return tuple(out)


@cache
def cjk_font_path() -> str:
    """A font file with Chinese glyphs (fontconfig's choice for zh), or UnavailableError."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    files = sorted({line.strip().rstrip(":").strip() for line in found.splitlines() if line.strip()})
    # a regular sans face reads best under a watermark; any Chinese font will do
    preferred = [f for f in files if "Sans" in f and "Regular" in f] or files
    if not preferred:
        raise UnavailableError(
            "副本需要中文字体（Debian: apt install fonts-noto-cjk，或 make report-deps）/ "
            "copies need a CJK font (make report-deps)",
            field="font",
        )
    path = preferred[0]
    return path


@cache
def _font(size: int):  # type: ignore[no-untyped-def]
    """The CJK face at `size` px, loaded once per process (a collection file of several MB)."""
    from PIL import ImageFont

    return ImageFont.truetype(cjk_font_path(), size)


def pages_from_pdf(data: bytes) -> list[PILImage.Image]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(
            f"原件 PDF 无法读取 / the stored PDF cannot be read: {exc}", field="source"
        ) from None
    try:
        if len(document) > MAX_PAGES:
            raise InputError(f"原件超过 {MAX_PAGES} 页 / source over {MAX_PAGES} pages", field="source")
        out = []
        for page in document:
            scale = PAGE_WIDTH / page.get_width()
            out.append(page.render(scale=scale).to_pil().convert("RGB"))
        return out
    finally:
        document.close()


def pages_from_image(data: bytes) -> list[PILImage.Image]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise InputError("扫描件像素过多 / scan too large", field="source")
            page = img.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise InputError(f"扫描件无法读取 / the stored scan cannot be read: {exc}", field="source") from None
    height = round(page.height * PAGE_WIDTH / page.width)
    return [page.resize((PAGE_WIDTH, max(height, 1)), Image.Resampling.LANCZOS)]


def pages_from_text(title: str, body: str) -> list[PILImage.Image]:
    """A clean A4 rendering of licence text, drawn straight into page images at the copy's
    resolution (`ingest.scan.paper`, which prints licence text the same way for the OCR tests).

    A copy holds only page pixels, so laying the text out as a PDF first and rasterising it back
    (WeasyPrint, then pdfium) only added an engine's start-up and a second pass over every page."""
    from vats.ingest.scan.paper import Condition, available_fonts, render_pages

    fonts = available_fonts()
    if not fonts:
        raise UnavailableError(
            "副本需要中文字体（Debian: apt install fonts-noto-cjk，或 make report-deps）/ "
            "copies need a CJK font (make report-deps)",
            field="font",
        )
    face = "serif" if "serif" in fonts else fonts[0]
    pages = render_pages([title, "", *body.splitlines()], Condition(dpi=DPI, font=face))
    if len(pages) > MAX_PAGES:
        raise InputError(f"渲染超过 {MAX_PAGES} 页 / rendering over {MAX_PAGES} pages", field="source")
    return pages


ANGLE = 30


@cache
def _overlay(size: tuple[int, int], text: str) -> PILImage.Image:
    """The watermark layer of one page size: `text` repeated along parallel lines at 30°, in
    semi-transparent red, so every field of the page is crossed. Drawn once per copy and size."""
    from PIL import Image, ImageDraw

    font = _font(30)
    length = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=font)) + 80
    line = Image.new("RGBA", (length, 44), (0, 0, 0, 0))
    ImageDraw.Draw(line).text((0, 4), text, font=font, fill=(200, 30, 30, 80))
    tile = line.rotate(ANGLE, resample=Image.Resampling.BICUBIC, expand=True)
    dx = round(length * math.cos(math.radians(ANGLE)))
    dy = round(length * math.sin(math.radians(ANGLE)))
    w, h = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    row_gap = 120
    rows = (h + dy * (w // dx + 2)) // row_gap + 2
    for row in range(rows):
        x, y = -(row % 3) * dx // 3, row * row_gap - tile.height
        while x < w and y > -tile.height:
            if y < h:
                layer.alpha_composite(tile, (max(x, 0), max(y, 0)), (max(-x, 0), max(-y, 0)))
            x, y = x + dx, y - dy
    return layer


def _watermark(page: PILImage.Image, text: str) -> PILImage.Image:
    base = page.convert("RGBA")
    base.alpha_composite(_overlay(page.size, text))
    return base.convert("RGB")


@lru_cache(maxsize=8)
def _qr(text: str, size: int) -> PILImage.Image:
    """The QR image of `text`, made once per copy (every page carries the same code)."""
    import segno
    from PIL import Image

    code = segno.make(text, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=2)[0]
    scale = max(2, size // modules)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=2)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _band(page: PILImage.Image, marks: CopyMarks, index: int, total: int) -> PILImage.Image:
    from PIL import Image, ImageDraw

    qr = _qr(marks.qr_text, BAND - 20)
    band_h = max(BAND, qr.height + 20)
    out = Image.new("RGB", (page.width, page.height + band_h), "white")
    out.paste(page, (0, 0))
    draw = ImageDraw.Draw(out)
    top = page.height
    draw.line((0, top + 2, page.width, top + 2), fill=(120, 120, 120), width=2)
    out.paste(qr, (page.width - qr.width - 10, top + 10))
    big, small = _font(34), _font(24)
    x = 40
    draw.text((x, top + 30), f"副本编号 {marks.copy_id}    第 {index}/{total} 页", font=big, fill="black")
    use = "" if marks.purpose.endswith("使用") else "使用"
    lines = (
        f"仅供 {marks.recipient} {marks.purpose}{use}，他用无效，再次复印无效",
        f"签发 {marks.issued}    有效期至 {marks.expires}",
        "扫描右侧二维码核验真伪、有效期与撤销状态 / scan to verify",
    )
    for n, line in enumerate(lines):
        draw.text((x, top + 95 + n * 42), line, font=small, fill=(40, 40, 40))
    return out


def render_copy(base_pages: Sequence[PILImage.Image], marks: CopyMarks) -> RenderedCopy:
    """Watermark and band every page; a PDF holding exactly those images (and the PNG pages)."""
    if not base_pages:
        raise InputError("原件没有页面 / the source has no pages", field="source")
    total = len(base_pages)
    pages = [_band(_watermark(p, marks.watermark()), marks, i + 1, total) for i, p in enumerate(base_pages)]
    pdf = io.BytesIO()
    pages[0].save(
        pdf,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=DPI,
        quality=90,
        title=f"许可证副本 {marks.copy_id}",
        author="vats",
        subject=marks.watermark(),
    )
    return RenderedCopy(pdf=pdf.getvalue(), pages=tuple(pages))
