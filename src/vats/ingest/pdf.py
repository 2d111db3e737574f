"""PDFs with a text layer, read with pdfplumber in a child process with bounded memory and time.

A PDF is untrusted input whose streams can inflate a thousandfold (a 1 MB file can hold a 1 GiB
content stream). Two bounds apply: a pre-scan inflates every Flate stream in slices, counting
bytes without keeping them, and refuses a stream or a document past `MAX_STREAM_BYTES` /
`MAX_INFLATED_BYTES`; then the library runs in `vats.ingest.pdf_child` under an address-space
limit and a time-out, which also covers what the pre-scan cannot see (other filters, object
streams, pathological layouts).

Scanned PDFs (pages that are only images) have no text layer; they go to the OCR seam
(`vats.ingest.ocr`), which rasterises and reads them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib

from vats.ingest.ocr import OcrEngine, default_engine
from vats.ingest.pdf_child import MAX_PAGES
from vats.ingest.sniff import is_pdf
from vats.model.errors import InputError

MAX_STREAM_BYTES = 64 * 1024 * 1024  # one decompressed stream: far beyond any licence page
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all streams of one document together
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the parsing process
CHILD_TIMEOUT_S = 60.0
_SLICE = 1024 * 1024
_STREAM = re.compile(rb"stream\r?\n")

__all__ = ["MAX_PAGES", "is_pdf", "pages_in_child", "pdf_text", "pdf_text_layer"]


def inflated_size(data: bytes, *, stream_cap: int, total_cap: int) -> int:
    """Total decompressed size of the Flate streams in `data`, stopping at the first cap passed.

    Returns a number above the matching cap as soon as one is exceeded; nothing decompressed is
    kept, so memory stays at one slice whatever the ratio."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        body = data[start : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        size = 0
        try:
            chunk = inflater.decompress(body, _SLICE)
            while chunk:
                size += len(chunk)
                total += len(chunk)
                if size > stream_cap or total > total_cap:
                    return total if total > total_cap else size
                chunk = inflater.decompress(inflater.unconsumed_tail, _SLICE)
        except zlib.error:
            continue  # not Flate (or broken): the child process bounds it
    return total


def pdf_text(data: bytes, *, source: str | None = None, ocr: OcrEngine | None = None) -> str:
    """The text layer of every page, pages separated by a blank line; OCR when there is none."""
    text = pdf_text_layer(data, source=source)
    if not text.strip():
        return (ocr or default_engine()).recognise(data, source=source)
    return text


def pdf_text_layer(data: bytes, *, source: str | None = None) -> str:
    """The text layer of every page, pages separated by a blank line (empty for a scanned PDF)."""
    inflated = inflated_size(data, stream_cap=MAX_STREAM_BYTES, total_cap=MAX_INFLATED_BYTES)
    if inflated > MAX_STREAM_BYTES:
        raise InputError(
            f"PDF 解压后过大 / the PDF inflates beyond {MAX_STREAM_BYTES // 1_048_576} MB per stream "
            f"or {MAX_INFLATED_BYTES // 1_048_576} MB in total",
            source=source,
        )
    return "\n\n".join(pages_in_child(data, source))


def pages_in_child(
    data: bytes, source: str | None, *, memory: int = CHILD_MEMORY_BYTES, timeout: float = CHILD_TIMEOUT_S
) -> list[str]:
    """Each page's text, extracted by `vats.ingest.pdf_child` under `memory` bytes and `timeout` s."""
    command = [sys.executable, "-m", "vats.ingest.pdf_child", str(memory)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(
            f"PDF 解析超时 / the PDF took longer than {timeout:g} s to read", source=source
        ) from None
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {"error": "crashed", "detail": f"exit status {done.returncode}"}
    if "pages" in result:
        return list(result["pages"])
    detail = result.get("detail", "")
    if result.get("error") == "pages":
        raise InputError(f"PDF 页数过多 / the PDF has more than {MAX_PAGES} pages", source=source)
    if result.get("error") in ("memory", "crashed"):
        raise InputError(f"PDF 解压后过大或无法读取 / the PDF is too large to read ({detail})", source=source)
    raise InputError(f"PDF 文件已损坏 / the PDF cannot be read: {detail}", source=source)
