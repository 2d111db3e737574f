"""Writing an output file so that it appears complete or not at all.

Reports, calendars and register exports are written beside their destination under a temporary
name and renamed over it at the end: a crash, a full disk or a rendering error never leaves a
half-written file where a user (or a calendar client polling the path) would pick it up, and an
earlier good copy stays in place until the new one is whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on any error it is removed."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """`path.write_bytes(data)`, all or nothing."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
