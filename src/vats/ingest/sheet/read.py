"""Stream a sheet's rows out of XLSX or CSV bytes, within `SheetLimits`.

XLSX is read with openpyxl in read-only mode (rows are parsed as they are consumed, so memory does
not grow with the sheet) after the zip directory passed `zipguard`. Only the first visible sheet
is read; hidden sheets are skipped and said so. A formula cell is handed on as `Formula`: its cached
value may be stale or missing, so the row validator refuses it rather than trusting it.

CSV comes in UTF-8, UTF-8 with a BOM or GB18030 (Excel's "CSV" on a Chinese Windows); the encoding
is decided by a strict pass over the bytes, then the text is decoded incrementally as rows are read.

The header is found among the first rows: a title line above it is skipped, and a two-row header
whose upper cells are merged (网站/APP over 名称 | 域名) is read as merged cells appear in the file —
the value in the first cell, nothing in the others — by carrying the upper value to the right.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from vats.ingest.sheet.columns import guess_field
from vats.ingest.sheet.limits import DEFAULT_LIMITS, SheetLimits
from vats.ingest.sheet.zipguard import check_archive
from vats.model.errors import InputError

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"
HEADER_SCAN = 10  # rows searched for the header
_CHUNK = 1 << 16  # bytes decoded at a time by the encoding check: bounds its memory


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell holding a formula (`=…`), not a value."""

    text: str


Cell = str | int | float | bool | date | datetime | time | Formula | None


@dataclass(frozen=True, slots=True)
class SheetSource:
    """The file a sheet came from: name, media type, SHA-256 and (CSV) encoding."""

    name: str
    media_type: str
    sha256: str
    encoding: str


@dataclass(slots=True)
class Sheet:
    """Headers and a one-shot iterator of (1-based row number, cells) after the header."""

    source: SheetSource
    headers: tuple[str, ...]
    header_row: int
    rows: Iterator[tuple[int, tuple[Cell, ...]]]
    notices: list[str] = field(default_factory=list)


def is_xlsx(data: bytes, name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm"))


def open_sheet(data: bytes, *, name: str, limits: SheetLimits = DEFAULT_LIMITS) -> Sheet:
    """The sheet in `data` (XLSX by its zip signature or name, CSV otherwise); `InputError` when it
    cannot or must not be read. Row-cap errors may also surface while `rows` is consumed."""
    if len(data) > limits.max_bytes:
        raise InputError(
            f"文件过大 / the file has {len(data)} bytes (at most {limits.max_bytes})", source=name
        )
    if not data or data.isspace():  # never `strip()`: it copies the whole upload
        raise InputError("文件为空 / the file is empty", source=name)
    digest = hashlib.sha256(data).hexdigest()
    if is_xlsx(data, name):
        check_archive(data, limits=limits, source=name)
        source = SheetSource(name, XLSX_MEDIA_TYPE, digest, "xlsx")
        raw, notices = _xlsx_rows(data, name, limits)
    else:
        encoding = csv_encoding(data, source=name)
        source = SheetSource(name, CSV_MEDIA_TYPE, digest, encoding)
        raw, notices = _csv_rows(data, encoding, name), []
    return _with_header(source, raw, notices, limits)


def _xlsx_rows(data: bytes, name: str, limits: SheetLimits) -> tuple[Iterator[tuple[Cell, ...]], list[str]]:
    import warnings
    import zipfile
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; harmless here
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, ParseError, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(f"无法读取 XLSX / cannot read the workbook: {exc}", source=name) from None
    notices: list[str] = []
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    if hidden:
        notices.append(f"已跳过隐藏工作表 / hidden sheets skipped: {', '.join(hidden)}")
    if not visible:
        book.close()
        raise InputError("没有可见的工作表 / the workbook has no visible sheet", source=name)
    sheet = visible[0]
    if len(visible) > 1:
        notices.append(f"只读取第一个工作表 / only the first sheet is read: {sheet.title}")
    declared = getattr(sheet, "max_row", None)
    if isinstance(declared, int) and declared > limits.max_rows + HEADER_SCAN:
        book.close()
        raise _too_many(limits, name, declared)

    def rows() -> Iterator[tuple[Cell, ...]]:
        try:
            for row in sheet.iter_rows():
                yield tuple(_xlsx_value(c) for c in row[: limits.max_columns])
        except (zipfile.BadZipFile, ParseError, KeyError, OSError, ValueError, EOFError) as exc:
            raise InputError(f"XLSX 内容损坏 / the workbook is damaged: {exc}", source=name) from None
        finally:
            book.close()

    return rows(), notices


def _xlsx_value(cell: Any) -> Cell:
    value = cell.value
    if cell.data_type == "f":
        return Formula(str(value))
    if value is None or isinstance(value, str | int | float | bool | date | datetime | time):
        return value
    return str(value)  # rich text, array formulas' results, errors (#N/A)


def csv_encoding(data: bytes, *, source: str | None = None) -> str:
    """`utf-8-sig`, `utf-8` or `gb18030`, by a strict pass; `InputError` for anything else."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise InputError("CSV 应为 UTF-8 或 GB18030 编码 / save the CSV as UTF-8 (not UTF-16)", source=source)
    elif _decodes(data, "utf-8"):
        return "utf-8"
    else:
        encoding = "gb18030"
    if not _decodes(data, encoding):
        raise InputError(
            "无法识别的 CSV 编码 / the CSV is neither UTF-8 nor GB18030; save it as UTF-8", source=source
        )
    return encoding


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(data: bytes, encoding: str, name: str) -> Iterator[tuple[Cell, ...]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    head = text.read(8192)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(head, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    try:
        for row in reader:
            yield tuple(row)
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误 / malformed CSV: {exc}", source=name, line=reader.line_num) from None


def _too_many(limits: SheetLimits, name: str, rows: int | None = None) -> InputError:
    seen = f"{rows} 行 / {rows} rows; " if rows else ""
    return InputError(
        f"表格行数超过上限 / too many rows: {seen}at most {limits.max_rows} data rows per sheet; "
        "split the sheet",
        source=name,
    )


def _text(value: Cell) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    return " ".join(str(value).split())


def _score(headers: list[str]) -> int:
    fields = {guess_field(h) for h in headers}
    fields.discard(None)
    return len(fields) + (2 if "number" in fields else 0)


def _merged_above(upper: tuple[Cell, ...], lower: tuple[Cell, ...]) -> list[str]:
    """Two header rows as one: upper values carried right over their merged span, joined with the
    lower ones (`网站/APP` + `域名` -> `网站/APP域名`); an upper cell alone keeps its own name."""
    width = max(len(upper), len(lower))
    result: list[str] = []
    carried = ""
    for i in range(width):
        top = _text(upper[i]) if i < len(upper) else ""
        bottom = _text(lower[i]) if i < len(lower) else ""
        if top:
            carried = top
        elif bottom == "":
            carried = ""
        if bottom and guess_field(bottom) is None and carried:
            result.append(carried + bottom)
        else:
            result.append(bottom or top or "")
    return result


def _with_header(
    source: SheetSource, raw: Iterator[tuple[Cell, ...]], notices: list[str], limits: SheetLimits
) -> Sheet:
    head: list[tuple[Cell, ...]] = []
    for row in raw:
        head.append(row)
        if len(head) >= HEADER_SCAN:
            break
    best: tuple[int, int, list[str]] | None = None  # score, header row index, headers
    for i, row in enumerate(head):
        candidates = [[_text(c) for c in row]]
        if i > 0:
            candidates.append(_merged_above(head[i - 1], row))
        for headers in candidates:
            score = _score(headers)
            if best is None or score > best[0]:
                best = (score, i, headers)
    if best is None or best[0] < 3:  # at least the number column and one more
        raise InputError(
            "找不到表头（如 许可证编号、公司名称）/ no header row with known column names in the first "
            f"{HEADER_SCAN} rows",
            source=source.name,
        )
    _, at, headers = best
    if len(headers) > limits.max_columns:
        headers = headers[: limits.max_columns]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def rows() -> Iterator[tuple[int, tuple[Cell, ...]]]:
        for count, row in enumerate(_chain(head[at + 1 :], raw), start=1):
            number = at + 1 + count
            if count > limits.max_rows:
                raise _too_many(limits, source.name)
            cells = tuple(row[:width])
            if any(c not in (None, "") for c in cells):
                yield number, cells

    return Sheet(source, tuple(headers), at + 1, rows(), notices)


def _chain(first: list[tuple[Cell, ...]], rest: Iterator[tuple[Cell, ...]]) -> Iterator[tuple[Cell, ...]]:
    yield from first
    yield from rest
