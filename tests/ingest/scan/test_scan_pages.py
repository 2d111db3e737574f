"""Page images are bounded and upright before any recognition: formats, EXIF, caps, broken files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

try:
    from scan_factory import blank_pdf, png_header_only
except ImportError:  # pragma: no cover - if tests/ ever becomes a package
    from tests.ingest.scan.scan_factory import blank_pdf, png_header_only

from vats.ingest.ocr import is_image
from vats.ingest.scan.pages import MAX_PAGES, load_pages
from vats.model.errors import InputError


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "TIFF", "HEIF"])
def test_each_image_format_gives_one_rgb_page(fmt: str) -> None:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    data = encoded(Image.new("L", (120, 80), 255), fmt)
    assert is_image(data)
    (page,) = load_pages(data, source="p")
    assert (page.image.mode, page.image.size, page.number, page.source) == ("RGB", (120, 80), 1, "p")


def test_a_multi_page_tiff_is_several_pages_numbered_on() -> None:
    frames = [Image.new("RGB", (60, 40), c) for c in ("white", "gray", "black")]
    data = encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    pages = load_pages(data, first_number=4)
    assert [p.number for p in pages] == [4, 5, 6]
    assert pages[2].image.getpixel((0, 0)) == (0, 0, 0)


def test_exif_orientation_turns_a_phone_photo_upright() -> None:
    image = Image.new("RGB", (200, 100), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to view
    (page,) = load_pages(encoded(image, "JPEG", exif=exif))
    assert page.image.size == (100, 200)


def test_a_scanned_pdf_is_rasterised_at_200_dpi() -> None:
    (page,) = load_pages(blank_pdf(1))
    assert abs(page.image.width - round(595 / 72 * 200)) <= 1


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(InputError, match="too large") as info:
        load_pages(png_header_only(20_000, 20_000), source="bomb.png")
    assert "bomb.png" in str(info.value)


def test_too_many_pages_are_refused() -> None:
    with pytest.raises(InputError, match=f"more than {MAX_PAGES} pages"):
        load_pages(blank_pdf(MAX_PAGES + 1), source="long.pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10,
        encoded(Image.new("RGB", (300, 300), "white"), "JPEG")[:200],
        b"RIFF\x00\x00\x00\x00WEBPVP8 garbage",
    ],
    ids=["png", "truncated-jpeg", "webp"],
)
def test_corrupt_images_are_input_errors_naming_the_file(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        load_pages(data, source="broken")
    assert "broken" in str(info.value)
