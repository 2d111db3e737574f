"""The child process that reads an untrusted PDF: `python -m vats.ingest.pdf_child LIMIT_BYTES`.

pdfminer inflates every stream whole, so a small PDF can ask for gigabytes. The parent
(`vats.ingest.pdf`) runs this module with the document on stdin; it caps its own address space
before importing the PDF library, so a bomb ends in a MemoryError here instead of exhausting the
server or the CLI, and writes one JSON object to stdout: {"pages": [...]} or {"error": "..."}.
"""

from __future__ import annotations

import io
import json
import resource
import sys

#: Pages beyond this are not read: a licence has fewer than twenty.
MAX_PAGES = 200


def extract_pages(data: bytes) -> list[str]:
    """The text layer of every page (empty strings for pages without one)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise _TooManyPages
        return [page.extract_text() or "" for page in pdf.pages]


class _TooManyPages(Exception):
    pass


def _out_of_memory(exc: BaseException | None) -> bool:
    """A MemoryError, or zlib's allocation failure that pdfminer wraps in its own exception."""
    while exc is not None:
        if isinstance(exc, MemoryError) or "allocate" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    result: dict[str, object]
    try:
        result = {"pages": extract_pages(data)}
    except _TooManyPages:
        result = {"error": "pages", "detail": f"more than {MAX_PAGES} pages"}
    except Exception as exc:  # pdfminer raises many private exception types on broken files
        if _out_of_memory(exc):
            result = {"error": "memory", "detail": "decompressed content exceeds the memory limit"}
        else:
            result = {"error": "broken", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
