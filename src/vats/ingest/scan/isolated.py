"""Read a scan in a child process with bounded memory and time (`vats.ingest.scan.child`).

The web and API read uploads from strangers: image decoders and the OCR engine see those bytes in a
separate process whose address space is capped, and which is killed after `timeout` seconds. What
comes back is plain JSON: the reading (licence, per-field confidence and place, seals, codes) and a
reduced JPEG of every page, for the review screen.
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vats.ingest.scan.child import PROGRESS
from vats.model.errors import InputError
from vats.model.licence import Licence

if TYPE_CHECKING:
    from vats.ingest.scan.reading import Progress

log = logging.getLogger("vats.scan")

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


def pack_files(files: Sequence[tuple[bytes, str | None]]) -> bytes:
    """The files as the child reads them (a JSON header line, then the bytes): also how a background
    job keeps a multi-file scan as its one input until a worker reads it."""
    header = json.dumps({"files": [{"name": n, "size": len(d)} for d, n in files]}, ensure_ascii=False)
    return header.encode("utf-8") + b"\n" + b"".join(d for d, _ in files)


def unpack_files(payload: bytes) -> list[tuple[bytes, str | None]]:
    """The files of a `pack_files` payload, in order."""
    head, _, body = payload.partition(b"\n")
    files: list[tuple[bytes, str | None]] = []
    offset = 0
    for f in json.loads(head)["files"]:
        size = int(f["size"])
        files.append((body[offset : offset + size], f.get("name")))
        offset += size
    return files


def read_isolated(
    files: Sequence[tuple[bytes, str | None]],
    *,
    memory: int = CHILD_MEMORY_BYTES,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> IsolatedScan:
    """Read one licence from the files in a bounded child; `InputError` for anything unusable.

    `progress` hears (pages read, pages in all) as the child reports them, from another thread."""
    names = ", ".join(n for _, n in files if n) or None
    limit = timeout if timeout is not None else max(MIN_TIMEOUT_S, SECONDS_PER_PAGE * 20)
    command = [sys.executable, "-m", "vats.ingest.scan.child", str(memory)]
    out, status = _run_child(command, pack_files(files), limit, progress)
    if out is None:
        raise InputError(f"识别超时 / reading the scan took longer than {limit:g} s", source=names)
    try:
        result = json.loads(out)
    except ValueError:
        result = {"error": "crashed", "detail": f"exit status {status}"}
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


def _run_child(
    command: list[str], payload: bytes, limit: float, progress: Progress | None
) -> tuple[bytes | None, int]:
    """Run the child with `payload` on its input: (its output, exit status), or (None, status) when
    it was killed for taking longer than `limit` seconds. Input, output and the progress lines on
    standard error each have their own thread or pipe reader, so none of them can block another."""
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expired = threading.Event()

    def feed() -> None:
        assert child.stdin is not None
        try:
            child.stdin.write(payload)
            child.stdin.close()
        except OSError:  # the child ended early (a bad file, the memory cap): its answer says why
            pass

    def follow() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            if progress is None or not line.startswith(PROGRESS):
                continue
            try:
                done, total = (int(n) for n in line[len(PROGRESS) :].split())
                progress(done, total)
            except Exception:  # a progress display that fails must not stop the reading
                log.exception("scan progress not recorded")

    def kill() -> None:
        expired.set()
        child.kill()

    helpers = [threading.Thread(target=feed, daemon=True), threading.Thread(target=follow, daemon=True)]
    for t in helpers:
        t.start()
    timer = threading.Timer(limit, kill)
    timer.start()
    try:
        assert child.stdout is not None
        out = child.stdout.read()
        status = child.wait()
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
    for t in helpers:
        t.join()
    return (None if expired.is_set() else out), status
