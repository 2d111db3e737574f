"""PDFs: a text layer is read through pdfplumber; no text layer goes to the OCR seam (a page with
no text on it is refused clearly); a broken PDF is an InputError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

try:  # rootdir-relative imports (tests/ingest is on sys.path when tests are not packages)
    from pdf_factory import scanned_pdf, text_pdf
except ImportError:  # pragma: no cover - if tests/ ever becomes a package
    from tests.ingest.pdf_factory import scanned_pdf, text_pdf

from vats.ingest.document import read_licence
from vats.ingest.ocr import default_engine
from vats.ingest.pdf import pdf_text
from vats.model.errors import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "licences"


def test_pdf_text_layer_parses_like_the_text(tmp_path: Path) -> None:
    text = (FIXTURES / "multi_service_coverage.txt").read_text(encoding="utf-8")
    path = tmp_path / "licence.pdf"
    path.write_bytes(text_pdf(text, wrap=30, lines_per_page=25))
    from_pdf = read_licence(path)
    from_text = read_licence(FIXTURES / "multi_service_coverage.txt")
    assert from_pdf.essentials() == from_text.essentials()
    assert from_pdf.source is not None and from_pdf.source.media_type == "application/pdf"


def test_seed_as_pdf_keeps_every_site(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "seed.pdf"
    path.write_bytes(text_pdf(seed_text, wrap=38))
    licence = read_licence(path)
    assert len(licence.sites) == 5
    assert [len(p.items) for p in licence.provisions][-2:] == [13, 7]


def test_no_text_layer_goes_to_ocr_which_finds_no_text_on_a_grey_page(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    with pytest.raises(InputError, match="no text was found on the scan") as info:
        read_licence(path)
    assert str(path) in str(info.value)


def test_a_plugged_in_engine_receives_the_document() -> None:
    class Echo:
        def recognise(self, data: bytes, *, source: str | None = None) -> str:
            return f"{len(data)} bytes from {source}"

    data = scanned_pdf()
    assert pdf_text(data, source="s.pdf", ocr=Echo()) == f"{len(data)} bytes from s.pdf"
    with pytest.raises(InputError, match="no text was found"):
        default_engine().recognise(data)


def test_broken_pdf_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n this is not really a pdf \x00\x01\x02")
    with pytest.raises(InputError, match="PDF") as info:
        read_licence(path)
    assert str(path) in str(info.value)
