"""File responses that always download: one home for the `Content-Disposition` header.

An uploaded HTML or SVG file must never render inside the app's origin, and a Chinese file name must
survive the header, so every route that hands back a file builds its response here.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import Response


def attachment(
    content: bytes, *, media_type: str | None, filename: str, headers: Mapping[str, str] | None = None
) -> Response:
    """`content` as a download named `filename` (RFC 5987 UTF-8 form), with any extra `headers`."""
    return Response(
        content=content,
        media_type=media_type,
        headers={**(headers or {}), "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


__all__ = ["attachment"]
