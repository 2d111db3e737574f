"""Values posted by the record pages' forms (strings, as a browser sends them) and the page shown
again when a write fails: the error at its field, what was typed kept, and the status the API would
answer for the same error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Response

from vats.model.errors import InputError, VatsError


def form_version(raw: str) -> int | None:
    """The record version the page was rendered with; empty (an old page) skips the version check."""
    return int(raw) if raw.isdigit() else None


def form_day(raw: str, *, field: str, label: str) -> date:
    """A YYYY-MM-DD date field; anything else is an input error naming the field by `label`."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{label}格式应为 YYYY-MM-DD：{raw!r}", field=field) from None


def error_status(exc: VatsError) -> int:
    """The HTTP status of a service error, the same one the API answers."""
    from vats.api.problems import status_for

    return status_for(exc)[0]


def failed(session: Any, exc: VatsError, page: Callable[..., Response], typed: Any = None) -> Response:
    """Undo the failed write (nothing half-written) and render `page` again with the error and `typed`."""
    session.rollback()
    return page(error=exc.describe(), error_key=exc.field, typed=typed, status_code=error_status(exc))


__all__ = ["error_status", "failed", "form_day", "form_version"]
