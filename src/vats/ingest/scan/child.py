"""The child process that reads an untrusted scan: `python -m vats.ingest.scan.child LIMIT_BYTES`.

Image decoders and the OCR engine run here, under an address-space limit set before anything heavy
is imported, so a hostile file ends this process (MemoryError or a crash) rather than the server.
The parent (`vats.ingest.scan.isolated`) writes a header line (JSON: each file's name and size)
followed by the files' bytes, and reads one JSON object back: the reading (licence, per-field
confidence and boxes) with a reduced JPEG of every page for the review screen, or an error. While
reading, the child writes `PROGRESS` lines (pages read, pages in all) to its standard error, which
the parent may follow to show how far a long scan has got.
"""

from __future__ import annotations

import base64
import io
import json
import resource
import sys
from typing import Any

#: Longest side of the page previews shown beside the extracted fields.
PREVIEW_SIDE = 1600
PREVIEW_QUALITY = 80
#: Start of a progress line on standard error: `vats-scan-progress DONE TOTAL`.
PROGRESS = b"vats-scan-progress"


def read_files(files: list[tuple[bytes, str | None]]) -> dict[str, Any]:
    """The reading of one licence from its files, as JSON data (see the module docstring)."""
    from vats.ingest.scan.reading import read_scan, scan_pages
    from vats.model.serialise import to_jsonable

    pages = scan_pages(files)
    reading = read_scan(files, pages=pages, progress=_report)
    return {
        "licence": to_jsonable(reading.licence),
        "fields": {
            name: {
                "confidence": f.confidence,
                "page": f.page,
                "box": list(f.box),
                "under_seal": f.under_seal,
                "corrected": f.corrected,
                "review": f.review,
            }
            for name, f in reading.fields.items()
        },
        "seals": [{"page": page, "box": list(box)} for page, box in reading.seals],
        "qr_codes": list(reading.codes),
        "pages": [_preview(page) for page in pages],
    }


def _report(done: int, total: int) -> None:
    sys.stderr.buffer.write(PROGRESS + f" {done} {total}\n".encode("ascii"))
    sys.stderr.buffer.flush()


def _preview(page: Any) -> dict[str, Any]:
    image = page.image
    width, height = image.size
    scale = min(1.0, PREVIEW_SIDE / max(width, height))
    small = (
        image.resize((max(1, round(width * scale)), max(1, round(height * scale)))) if scale < 1 else image
    )
    out = io.BytesIO()
    small.save(out, "JPEG", quality=PREVIEW_QUALITY)
    return {
        "number": page.number,
        "source": page.source,
        "width": width,
        "height": height,
        "jpeg": base64.b64encode(out.getvalue()).decode("ascii"),
    }


def _read_stdin() -> list[tuple[bytes, str | None]]:
    stream = sys.stdin.buffer
    header = json.loads(stream.readline())
    return [(stream.read(int(f["size"])), f.get("name")) for f in header["files"]]


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from vats.model.errors import InputError

    result: dict[str, Any]
    try:
        result = {"reading": read_files(_read_stdin())}
    except InputError as exc:
        result = {"error": "input", "detail": exc.message, "source": exc.source}
    except MemoryError:
        result = {"error": "memory", "detail": "the scan needs more memory than allowed"}
    except Exception as exc:  # decoders raise many private exception types on hostile files
        result = {"error": "broken", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
