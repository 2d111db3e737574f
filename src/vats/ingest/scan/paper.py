"""Print licence text onto A4 page images, as a scanner or a phone would deliver them.

Used by the round-trip tests and `benchmarks/bench_ocr.py`: render a licence's text, read it back
by OCR, and compare every field with the text parse. Conditions mimic real copies: resolution
(150/200/300 dpi), a slight skew, speckle, blur, JPEG compression and a red 发证机关 seal stamped
over the issuer line. Long lines wrap only where the normaliser promises to re-join them
(`normalise.survives_break`), as the text renderer's noise does, so a failure is the OCR's.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vats.ingest.normalise import survives_break
from vats.ingest.scan.review import EDITABLE

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

    from vats.model.licence import Licence

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONTS = {
    "sans": FONT_DIR / "NotoSansCJK-Regular.ttc",
    "serif": FONT_DIR / "NotoSerifCJK-Regular.ttc",
}
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 0.9
FONT_POINTS = 11.0
#: Chinese typesetting never starts a printed line with closing punctuation nor ends one with an
#: opening bracket (a lone `。` on a line of its own is also what an OCR engine misreads as `0`).
NO_LINE_START = frozenset("。，、；：？！）》」』】”’,.;:?!)]")
NO_LINE_END = frozenset("（《「『【“‘([")


@dataclass(frozen=True, slots=True)
class Condition:
    """How a page is printed and captured."""

    name: str = "clean"
    dpi: int = 200
    font: str = "sans"
    skew: float = 0.0  # degrees, positive = counter-clockwise
    speckle: float = 0.0  # share of pixels turned into dark specks
    blur: float = 0.0  # Gaussian blur radius in pixels
    jpeg_quality: int | None = None
    seal: bool = False  # red seal over the issuer line
    qr: str | None = None  # payload of a verification QR code printed top right of page 1


def available_fonts() -> list[str]:
    """Font names of `FONTS` whose files exist on this machine."""
    return [name for name, path in FONTS.items() if path.exists()]


def _font(condition: Condition) -> FreeTypeFont:
    from PIL import ImageFont

    size = round(FONT_POINTS / 72 * condition.dpi)
    index = 2 if condition.font in FONTS else 0  # the .ttc collections hold SC as face 2
    return ImageFont.truetype(str(FONTS.get(condition.font, FONTS["sans"])), size, index=index)


def _wrap(line: str, font: FreeTypeFont, width: float, before: str = "") -> list[str]:
    """`line` cut at the longest prefix that fits `width` and where a break survives normalising.

    `before` is what earlier printed lines of the same paragraph already hold, so a paragraph
    wraps over as many lines as it needs and the normaliser still joins every piece. Cuts follow
    the typesetting rule on punctuation (`NO_LINE_START`, `NO_LINE_END`).

    A prefix's width never shrinks as it grows, so the longest fitting prefix is found by bisection
    and shorter cuts need only the break test (measuring every cut was most of a page's time)."""
    if font.getlength(line) <= width:
        return [line]
    lo, hi = 0, len(line) - 1  # line[:lo] fits (the empty prefix does); line[:hi + 1] and longer do not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.getlength(line[:mid]) <= width:
            lo = mid
        else:
            hi = mid - 1
    for cut in range(lo, 0, -1):
        first, rest = line[:cut], line[cut:]
        if rest[0] in NO_LINE_START or first[-1] in NO_LINE_END:
            continue
        if survives_break(first, rest, before=before):
            return [first, *_wrap(rest, font, width, before + first)]
    return [line]  # no safe break: print it smaller rather than change the text


def render_pages(lines: list[str], condition: Condition, *, seed: int = 0) -> list[Image]:
    """Page images (RGB) of `lines`; a line `\\f` starts a new page."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    dpi = condition.dpi
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    margin = round(MARGIN_INCHES * dpi)
    font = _font(condition)
    step = round(font.size * 1.9)
    pages: list[Image] = []
    issuer_at: list[tuple[int, int]] = []
    page = draw = None
    y = 0

    def new_page() -> None:
        nonlocal page, draw, y
        page = PILImage.new("RGB", size, "white")
        draw = ImageDraw.Draw(page)
        pages.append(page)
        y = margin

    new_page()
    for line in lines:
        if line == "\f":
            new_page()
            continue
        for piece in _wrap(line, font, size[0] - 2 * margin):
            if y + step > size[1] - margin:
                new_page()
            assert draw is not None
            width = font.getlength(piece)
            scale_font = font
            if width > size[0] - 2 * margin:  # an unbreakable line: shrink it to fit
                from PIL import ImageFont

                shrunk = max(8, int(font.size * (size[0] - 2 * margin) / width))
                scale_font = ImageFont.truetype(font.path, shrunk, index=font.index)
            draw.text((margin, y), piece, fill=(20, 20, 20), font=scale_font)
            if piece.startswith("发证机关"):
                issuer_at.append((len(pages) - 1, y))
            y += step
    if condition.qr:
        _print_qr(pages[0], condition.qr, dpi, margin)
    rng = random.Random(seed)
    out = []
    for index, image in enumerate(pages):
        if condition.seal:
            for page_index, at in issuer_at:
                if page_index == index:
                    image = _stamp(image, (margin + round(2.2 * dpi), at + round(font.size) // 2), dpi)
        out.append(_capture(image, condition, rng))
    return out


def _print_qr(page: Image, payload: str, dpi: int, margin: int) -> None:
    """An e-licence verification QR code, about 2 cm wide, in the top right corner."""
    import numpy as np
    import zxingcpp
    from PIL import Image as PILImage

    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode)
    pixels = np.asarray(code.to_image(scale=max(2, dpi // 60)))
    image = PILImage.fromarray(pixels).convert("RGB")
    page.paste(image, (page.width - margin - image.width, margin // 3))


def _stamp(image: Image, centre: tuple[int, int], dpi: int) -> Image:
    """Multiply a red round seal (ring, ring text, star) onto the page, as ink over print."""
    from PIL import Image as PILImage
    from PIL import ImageChops, ImageDraw, ImageFont

    radius = round(0.8 * dpi)
    layer = PILImage.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(layer)
    red = (215, 40, 40)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=max(3, dpi // 40))
    font = ImageFont.truetype(str(FONTS["sans"]), round(dpi * 0.2), index=2)
    ring = "重庆市通信管理局专用章"
    import math

    for i, char in enumerate(ring):
        angle = math.pi * (0.85 + 1.3 * i / (len(ring) - 1))
        cx = x + math.cos(angle) * radius * 0.75
        cy = y + math.sin(angle) * radius * 0.75
        draw.text((cx, cy), char, fill=red, font=font, anchor="mm")
    star = [
        (
            x + math.cos(math.pi / 2 + k * math.pi / 5) * (radius * (0.28 if k % 2 == 0 else 0.11)),
            y - math.sin(math.pi / 2 + k * math.pi / 5) * (radius * (0.28 if k % 2 == 0 else 0.11)),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    return ImageChops.multiply(image, layer)


def _capture(image: Image, condition: Condition, rng: random.Random) -> Image:
    """Skew, speckle, blur and JPEG-compress a page as a scanner or camera would."""
    from PIL import Image as PILImage
    from PIL import ImageFilter

    if condition.skew:
        image = image.rotate(condition.skew, resample=PILImage.Resampling.BICUBIC, fillcolor="white")
    if condition.speckle:
        pixels = image.load()
        assert pixels is not None
        for _ in range(int(image.width * image.height * condition.speckle)):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = (40, 40, 40)
    if condition.blur:
        image = image.filter(ImageFilter.GaussianBlur(condition.blur))
    if condition.jpeg_quality:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=condition.jpeg_quality)
        image = PILImage.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image


def to_bytes(image: Image, fmt: str = "PNG", **options: object) -> bytes:
    """One page image encoded as a file (PNG, JPEG, TIFF, WEBP)."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


MAIN_FIELDS = EDITABLE  # the fields compared one by one (the ones a reviewer can edit)


def licence_lines(text: str) -> list[str]:
    """Printable lines of a rendered licence text; a blank line there is a page break here."""
    return ["\f" if not line.strip() else line for line in text.splitlines()]


def compare_fields(expected: Licence, read: Licence) -> dict[str, bool]:
    """Each field of `expected` (main fields, every service, site and provision) and whether the
    scan reading has it exactly."""
    result = {name: getattr(expected, name) == getattr(read, name) for name in MAIN_FIELDS}
    for group in ("services", "sites", "provisions"):
        got = getattr(read, group)
        for index, value in enumerate(getattr(expected, group)):
            result[f"{group}[{index}]"] = index < len(got) and got[index] == value
    return result
