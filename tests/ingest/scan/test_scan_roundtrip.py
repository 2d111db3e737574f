"""Round trip: print the reference licence onto page images, read them back by OCR, and compare
every field with the text parse. Accuracy is asserted, never time.

OCR is slow on a shared two-core machine, so each test reads one or two pages; the full matrix of
conditions and licences is `benchmarks/bench_ocr.py` (results in BENCHMARKS.md).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest

from vats.ingest.document import parse_licence_text, read_licence
from vats.ingest.render import render_licence
from vats.ingest.scan.paper import (
    MAIN_FIELDS,
    Condition,
    compare_fields,
    licence_lines,
    render_pages,
    to_bytes,
)
from vats.ingest.scan.reading import read_scan
from vats.model.licence import Licence

PAYLOAD = "https://dxzhgl.example.invalid/verify?code=1.2.156.3005.2.TEST"
#: The fields printed on the main page (the copy restriction is on the appendix).
MAIN_PAGE = tuple(name for name in MAIN_FIELDS if name != "copy_restriction")


@pytest.fixture(scope="module")
def reference(seed_path: Path) -> tuple[Licence, list[str]]:
    text = render_licence(read_licence(seed_path))
    return parse_licence_text(text), licence_lines(text)


def main_page(lines: list[str], condition: Condition) -> bytes:
    page = render_pages(lines, condition)[0]
    if condition.jpeg_quality:
        return to_bytes(page, "JPEG", quality=condition.jpeg_quality)
    return to_bytes(page)


def test_main_page_at_200_dpi_reads_every_field(reference: tuple[Licence, list[str]]) -> None:
    expected, lines = reference
    reading = read_scan([(main_page(lines, Condition(dpi=200)), "main.png")])
    right = compare_fields(expected, reading.licence)
    assert {name: right[name] for name in MAIN_PAGE} == dict.fromkeys(MAIN_PAGE, True)
    assert reading.review() == ()
    number = reading.fields["number"]
    assert number.page == 1 and number.confidence >= 0.9
    assert reading.licence.source is not None and reading.licence.source.encoding == "ocr"


def test_a_sealed_skewed_jpeg_photo_with_a_qr_code(reference: tuple[Licence, list[str]]) -> None:
    expected, lines = reference
    condition = Condition(dpi=200, skew=-1.0, jpeg_quality=60, seal=True, qr=PAYLOAD, font="serif")
    reading = read_scan([(main_page(lines, condition), "photo.jpg")])
    right = compare_fields(expected, reading.licence)
    assert {name: right[name] for name in MAIN_PAGE} == dict.fromkeys(MAIN_PAGE, True)
    assert len(reading.seals) == 1
    under = {name for name, f in reading.fields.items() if f.under_seal}
    assert {"issue_date", "expiry_date"} <= under
    assert reading.codes == (PAYLOAD,)


def test_two_files_are_one_licence_with_its_appendix(reference: tuple[Licence, list[str]]) -> None:
    expected, lines = reference
    pages = render_pages(lines, Condition(dpi=200))[:2]
    reading = read_scan([(to_bytes(page), f"p{i}.png") for i, page in enumerate(pages, 1)])
    right = compare_fields(expected, reading.licence)
    assert right["services[0]"] and right["services[1]"] and right["copy_restriction"]
    assert reading.pages == 2
    assert reading.fields["services[1]"].page == 2


def _character_errors(expected: str, read: str) -> int:
    """Characters inserted, deleted or replaced between two texts."""
    matcher = SequenceMatcher(None, expected, read, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


@pytest.mark.parametrize("dpi", [200, 300])
def test_every_provision_reads_back(reference: tuple[Licence, list[str]], dpi: int) -> None:
    """The 特别规定事项 pages (behind the main page, the appendix left out to save OCR time): every
    article and item, paragraphs wrapped over many lines and across pages, read back with its
    number and structure, and at most one character wrong in all of them (the recogniser drops an
    occasional comma, and reads the licence's own 人員 as 人员)."""
    expected, lines = reference
    printed = [*lines[: lines.index("\f")], "\f", *lines[lines.index("特别规定事项") :]]
    pages = render_pages(printed, Condition(dpi=dpi))
    reading = read_scan([(to_bytes(page), f"p{i}.png") for i, page in enumerate(pages, 1)])
    read = reading.licence.provisions
    shape = [(p.number, [(i.number, i.applies_to) for i in p.items]) for p in read]
    assert shape == [(p.number, [(i.number, i.applies_to) for i in p.items]) for p in expected.provisions]
    errors = 0
    for want, got in zip(expected.provisions, read, strict=True):
        errors += _character_errors(want.text, got.text)
        errors += sum(_character_errors(a.text, b.text) for a, b in zip(want.items, got.items, strict=True))
    assert errors <= 1
