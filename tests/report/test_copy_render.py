"""Drawing a copy from a stored scan: every page of a PDF or a photo gets the watermark, the band with
the copy number, and a QR code that reads back as the signed statement; unreadable scans name `source`."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from vats.ingest.qr import qr_texts
from vats.model.errors import InputError
from vats.report import copy_render

MARKS = copy_render.CopyMarks(
    copy_id="VC-TEST-0001",
    recipient="华为应用市场",
    purpose="上架审核使用",
    issued="2026-03-01",
    expires="2026-09-30",
    qr_text="https://vats.example.cn/verify/copy?s=VC1." + "x" * 300,
)


def _two_page_pdf() -> bytes:
    from weasyprint import HTML

    html = "<p>第一页</p><p style='page-break-before: always'>第二页</p>"
    return bytes(HTML(string=html).write_pdf())


def test_every_page_of_a_scanned_pdf_is_marked() -> None:
    pages = copy_render.pages_from_pdf(_two_page_pdf())
    assert len(pages) == 2 and pages[0].width == copy_render.PAGE_WIDTH
    out = copy_render.render_copy(pages, MARKS)
    assert len(out.pngs) == 2
    for png in out.pngs:  # the QR (with the copy number beside it) is on every page
        assert qr_texts(png) == [MARKS.qr_text]
    marked = Image.open(io.BytesIO(out.pngs[0])).convert("RGB")
    assert marked.height > pages[0].height  # the band is added below, hiding nothing
    page_area = marked.crop((0, 0, marked.width, pages[0].height))
    reds = sum(1 for r, g, _b in page_area.get_flattened_data() if r > g + 40)
    assert reds > 1000  # the watermark crosses the page itself
    import pypdfium2 as pdfium

    assert len(pdfium.PdfDocument(out.pdf)) == 2


def test_a_photo_is_scaled_to_the_page_width() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buf, format="JPEG")
    [page] = copy_render.pages_from_image(buf.getvalue())
    assert page.size == (copy_render.PAGE_WIDTH, round(800 * copy_render.PAGE_WIDTH / 600))


@pytest.mark.parametrize("reader", [copy_render.pages_from_pdf, copy_render.pages_from_image])
def test_unreadable_scans_name_the_source(reader) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as bad:
        reader(b"%PDF-1.4 broken" if reader is copy_render.pages_from_pdf else b"\x89PNG broken")
    assert bad.value.field == "source"
