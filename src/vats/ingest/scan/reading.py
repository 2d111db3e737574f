"""A scanned or photographed licence, end to end: files -> pages -> boxes -> lines -> `Licence`.

The text extractor (`vats.ingest.extract`) is the same one text and PDF licences use: this module
only turns pages into the text lines a person would read, corrects what the number grammar makes
certain, and then maps every extracted field back to the boxes it was read from, which gives each
field a confidence (the lowest recognition score among its boxes) and a place (page, box).

Seals: recognition runs on the page with red ink whitened. A field whose boxes sit under a seal
and still read poorly is read again from the seal's crop in the red channel, and the better
reading of each box is kept. Fields under a seal are reported as such.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from vats.ingest.elicence_id import ElicenceId, find_identifiers
from vats.ingest.extract import extract
from vats.ingest.normalise import normalise
from vats.ingest.scan import grammar, layout
from vats.ingest.scan.layout import TextBox
from vats.ingest.scan.pages import MAX_PAGES, Page, load_pages
from vats.model.errors import InputError
from vats.model.licence import DocumentSource, Licence, ParseWarning

#: Fields read with a lower confidence than this are marked for review.
REVIEW_BELOW = 0.9
#: A box under a seal scoring below this is read again from the red-suppressed crop.
SECOND_PASS_BELOW = 0.95

Box = tuple[int, int, int, int]
#: Told (pages read, pages in the scan) before the first page and after each one.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FieldReading:
    """Where a field was read on the scan and how sure the reading is."""

    confidence: float
    page: int
    box: Box
    under_seal: bool = False
    corrected: bool = False
    review: bool = False


@dataclass(frozen=True, slots=True)
class ScanReading:
    """A licence read from page images, with per-field confidence and place, seals and codes."""

    licence: Licence
    fields: Mapping[str, FieldReading]
    pages: int
    seals: tuple[tuple[int, Box], ...] = ()
    codes: tuple[str, ...] = ()  # decoded QR / barcode payloads, for a person to check
    identifiers: tuple[ElicenceId, ...] = ()  # GB/T 36904 证照标识 printed or in a code

    def review(self) -> tuple[str, ...]:
        """Fields a person should check before the licence is saved."""
        return tuple(name for name, f in self.fields.items() if f.review)


@dataclass(frozen=True, slots=True)
class _Recognised:
    names: str | None
    pages: int
    text: list[str]
    behind: dict[int, list[TextBox]]
    warnings: list[ParseWarning]
    seals: list[tuple[int, Box]]
    codes: list[str]


def scan_pages(files: Sequence[tuple[bytes, str | None]]) -> list[Page]:
    """Every page of the files, in the order given, numbered across files; bounded in count."""
    pages: list[Page] = []
    for data, name in files:
        pages.extend(load_pages(data, source=name, first_number=len(pages) + 1))
        if len(pages) > MAX_PAGES:
            raise InputError(f"页数过多 / the scan has more than {MAX_PAGES} pages", source=name)
    return pages


def _recognise(
    files: Sequence[tuple[bytes, str | None]],
    pages: list[Page] | None = None,
    progress: Progress | None = None,
) -> _Recognised:
    if pages is None:
        pages = scan_pages(files)
    names = ", ".join(n for _, n in files if n) or None
    if not pages:
        raise InputError("没有页面 / the scan has no pages", source=names)
    boxes, seals, codes = _recognise_pages(pages, progress)
    if not any(b.text.strip() for b in boxes):
        raise InputError("图像中没有可识别的文字 / no text was found on the scan", source=names)
    text, behind, warnings = _text_lines(layout.reading_order(boxes))
    return _Recognised(names, len(pages), text, behind, warnings, seals, codes)


def scan_text(files: Sequence[tuple[bytes, str | None]]) -> str:
    """The scan's text lines as a person reads them (corrections applied), pages blank-separated."""
    return "\n".join(_recognise(files).text)


def read_scan(
    files: Sequence[tuple[bytes, str | None]],
    *,
    pages: list[Page] | None = None,
    progress: Progress | None = None,
) -> ScanReading:
    """Read one licence from one or more files (pages in the order given).

    `pages` are the files' pages when the caller has decoded them already (`scan_pages`), so a
    caller that also shows the pages decodes them once. `progress` hears how many pages are read,
    so a background job can show how far a long scan has got."""
    seen = _recognise(files, pages, progress)
    licence = extract(normalise("\n".join(seen.text)), source=seen.names)
    digest = hashlib.sha256()
    for data, _ in files:
        digest.update(data)
    media = "application/pdf" if files[0][0].startswith(b"%PDF") else "image/*"
    source = DocumentSource(seen.names, "ocr", digest.hexdigest(), media)
    fields = _field_readings(licence, seen.behind, seen.seals, seen.warnings)
    seal_warnings = [
        ParseWarning("under_seal", f"{name}: 位于印章下 / read under a seal", None)
        for name, f in fields.items()
        if f.under_seal
    ]
    identifiers = find_identifiers("\n".join([*seen.text, *seen.codes]))
    id_warnings = [
        ParseWarning(
            "elicence_id_check",
            "证照标识校验位不符 / the e-licence identifier's check character is wrong",
            None,
            raw=i.identifier,
        )
        for i in identifiers
        if not i.check_ok
    ]
    licence = dataclasses.replace(
        licence, warnings=(*licence.warnings, *seen.warnings, *seal_warnings, *id_warnings), source=source
    )
    return ScanReading(
        licence,
        MappingProxyType(fields),
        seen.pages,
        tuple(seen.seals),
        tuple(seen.codes),
        tuple(identifiers),
    )


def _recognise_pages(
    pages: list[Page], progress: Progress | None = None
) -> tuple[list[TextBox], list[tuple[int, Box]], list[str]]:
    import numpy as np

    from vats.ingest.scan import codes as barcodes
    from vats.ingest.scan import engine, seal

    boxes: list[TextBox] = []
    seals: list[tuple[int, Box]] = []
    found: list[str] = []
    if progress is not None:
        progress(0, len(pages))
    for done, page in enumerate(pages, 1):
        rgb = np.asarray(page.image)
        mask = seal.red_mask(rgb)
        page_seals = seal.seal_boxes(mask) if mask.any() else []
        clean = seal.whiten_red(rgb, mask) if page_seals else rgb
        page_boxes = engine.recognise(clean, page=page.number)
        for seal_box in page_seals:
            page_boxes = _second_pass(rgb, seal_box, page_boxes, page.number)
        seals.extend((page.number, s) for s in page_seals)
        boxes.extend(page_boxes)
        found.extend(p for p in barcodes.decode(page.image) if p not in found)
        if progress is not None:
            progress(done, len(pages))
    return boxes, seals, found


def _second_pass(rgb: object, seal_box: Box, boxes: list[TextBox], page: int) -> list[TextBox]:
    """Read the seal's crop again in the red channel; keep the better reading of each box."""
    from vats.ingest.scan import engine, seal

    weak = [b for b in boxes if seal.overlaps(b.bounds, seal_box) and b.score < SECOND_PASS_BELOW]
    if not weak:
        return boxes
    left = max(0, min(b.bounds[0] for b in weak) - 8)
    top = max(0, min(b.bounds[1] for b in weak) - 8)
    right = max(b.bounds[2] for b in weak) + 8
    bottom = max(b.bounds[3] for b in weak) + 8
    crop = seal.red_channel(rgb[top:bottom, left:right])  # type: ignore[index]
    again = engine.recognise(crop, page=page, offset=(left, top))
    kept = [b for b in boxes if b not in weak]
    for old in weak:
        best = max(
            (n for n in again if seal.overlaps(n.bounds, old.bounds)),
            key=lambda n: n.score,
            default=None,
        )
        kept.append(best if best is not None and best.score > old.score else old)
    return kept


def _text_lines(
    lines: list[layout.Line],
) -> tuple[list[str], dict[int, list[TextBox]], list[ParseWarning]]:
    """Text lines (a blank line between pages), the boxes behind each line, correction warnings."""
    text: list[str] = []
    behind: dict[int, list[TextBox]] = {}
    warnings: list[ParseWarning] = []
    page = lines[0].page if lines else 1
    for line in lines:
        if line.page != page:
            text.append("")
            page = line.page
        checked = grammar.check_line(line.text)
        text.append(checked.text)
        number = len(text)
        behind[number] = line.boxes
        for fix in checked.corrections:
            warnings.append(
                ParseWarning(
                    "ocr_correction",
                    f"按{_KIND[fix.kind]}规则更正 / corrected by the {fix.kind.replace('_', ' ')} grammar",
                    number,
                    raw=fix.original,
                    suggestion=fix.corrected,
                )
            )
        if checked.missing_digit:
            warnings.append(
                ParseWarning(
                    "ocr_missing_digit",
                    "许可证编号可能缺少一位数字,请核对原件 / the number may be missing a digit: "
                    "check the original",
                    number,
                    raw=checked.missing_digit,
                )
            )
    return text, behind, warnings


_KIND = {"licence_number": "编号", "date": "日期"}


def _field_readings(
    licence: Licence,
    behind: dict[int, list[TextBox]],
    seals: list[tuple[int, Box]],
    warnings: list[ParseWarning],
) -> dict[str, FieldReading]:
    from vats.ingest.scan.seal import overlaps

    corrected_lines = {w.line for w in warnings if w.line is not None}
    out: dict[str, FieldReading] = {}
    for name, span in licence.provenance.items():
        numbers = range(span.first_line, span.last_line + 1)
        boxes = [b for n in numbers for b in behind.get(n, [])]
        if not boxes:
            continue
        page = boxes[0].page
        on_page = [b.bounds for b in boxes if b.page == page]
        box = (
            min(b[0] for b in on_page),
            min(b[1] for b in on_page),
            max(b[2] for b in on_page),
            max(b[3] for b in on_page),
        )
        confidence = round(min(b.score for b in boxes), 3)
        under = any(p == page and overlaps(box, s) for p, s in seals)
        corrected = any(n in corrected_lines for n in numbers)
        review = confidence < REVIEW_BELOW or corrected
        out[name] = FieldReading(confidence, page, box, under, corrected, review)
    return out


def jsonable(reading: ScanReading) -> dict[str, object]:
    """The licence's JSON (as for text) plus, for each field, `confidence` and `provenance.page/box`.

    Also `review` (fields to check by hand), `under_seal`, `seals` and `qr_codes` (核验二维码内容,
    the decoded payloads for a person to check).
    """
    from vats.model.serialise import to_jsonable

    data: dict[str, object] = to_jsonable(reading.licence)
    provenance = data.get("provenance")
    if isinstance(provenance, dict):
        for name, field_reading in reading.fields.items():
            if isinstance(provenance.get(name), dict):
                provenance[name].update(page=field_reading.page, box=list(field_reading.box))
    data["confidence"] = {name: f.confidence for name, f in reading.fields.items()}
    data["review"] = list(reading.review())
    data["under_seal"] = [name for name, f in reading.fields.items() if f.under_seal]
    data["seals"] = [{"page": page, "box": list(box)} for page, box in reading.seals]
    data["qr_codes"] = list(reading.codes)
    data["elicence_ids"] = [{"identifier": i.identifier, "check_ok": i.check_ok} for i in reading.identifiers]
    data["pages"] = reading.pages
    return data
