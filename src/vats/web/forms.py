"""Values posted by the record pages' forms (strings, as a browser sends them) and the page shown
again when a write fails: the error at its field, what was typed kept, and the status the API would
answer for the same error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response

from vats.model.errors import InputError, VatsError
from vats.web.security import Csrf, check_csrf


def form_version(raw: str) -> int | None:
    """The record version the page was rendered with; empty (an old page) skips the version check."""
    return int(raw) if raw.isdigit() else None


def _posted_version(
    request: Request, version: Annotated[str, Form(max_length=12)] = "", csrf_token: Csrf = ""
) -> int | None:
    """The version a record page's form posts, once the form's CSRF token is checked."""
    check_csrf(request, csrf_token)
    return form_version(version)


PostedVersion = Annotated[int | None, Depends(_posted_version)]
"""A write from a record page: CSRF checked, and the version the page showed (for If-Match)."""


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


__all__ = ["PostedVersion", "error_status", "failed", "form_day", "form_version"]
