"""Read a scan in a child process with bounded memory and time (`vats.ingest.scan.child`).

The web and API read uploads from strangers: image decoders and the OCR engine see those bytes in a
separate process whose address space is capped, and which is killed after `timeout` seconds. What
comes back is plain JSON: the reading (licence, per-field confidence and place, seals, codes) and a
reduced JPEG of every page, for the review screen.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vats.model.errors import InputError
from vats.model.licence import Licence

#: Address space of the reading process: the engine and its models take about 1 GB of it.
CHILD_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
#: Seconds one page may take on a loaded two-core machine, and the floor for a whole scan.
SECONDS_PER_PAGE = 30.0
MIN_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class Preview:
    """A page as shown for review: a reduced JPEG, and the page's size in the boxes' pixels."""

    number: int
    source: str | None
    width: int
    height: int
    jpeg: bytes


@dataclass(frozen=True, slots=True)
class IsolatedScan:
    """The child's reading as JSON data (without the page images), and the page previews."""

    reading: dict[str, Any]
    previews: tuple[Preview, ...]

    @property
    def licence(self) -> Licence:
        return licence_of(self.reading)


def licence_of(reading: dict[str, Any]) -> Licence:
    """The `Licence` inside a reading's JSON data."""
    from vats.model.serialise import from_jsonable

    return from_jsonable(Licence, reading["licence"])


def read_isolated(
    files: Sequence[tuple[bytes, str | None]],
    *,
    memory: int = CHILD_MEMORY_BYTES,
    timeout: float | None = None,
) -> IsolatedScan:
    """Read one licence from the files in a bounded child; `InputError` for anything unusable."""
    names = ", ".join(n for _, n in files if n) or None
    header = json.dumps({"files": [{"name": n, "size": len(d)} for d, n in files]}, ensure_ascii=False)
    payload = header.encode("utf-8") + b"\n" + b"".join(d for d, _ in files)
    limit = timeout if timeout is not None else max(MIN_TIMEOUT_S, SECONDS_PER_PAGE * 20)
    command = [sys.executable, "-m", "vats.ingest.scan.child", str(memory)]
    try:
        done = subprocess.run(command, input=payload, capture_output=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"识别超时 / reading the scan took longer than {limit:g} s", source=names) from None
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {"error": "crashed", "detail": f"exit status {done.returncode}"}
    if "reading" in result:
        reading = result["reading"]
        previews = tuple(
            Preview(p["number"], p.get("source"), p["width"], p["height"], base64.b64decode(p["jpeg"]))
            for p in reading.pop("pages")
        )
        return IsolatedScan(reading, previews)
    detail = str(result.get("detail", ""))
    if result.get("error") == "input":
        raise InputError(detail, source=result.get("source") or names)
    if result.get("error") in ("memory", "crashed"):
        raise InputError(f"扫描件过大或无法读取 / the scan is too large to read ({detail})", source=names)
    raise InputError(f"扫描件无法读取 / the scan cannot be read: {detail}", source=names)
