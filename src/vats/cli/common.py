"""Helpers every CLI module shares: output format option, JSON printing, date arguments."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Any

from vats.model.errors import InputError


class OutputFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


def print_json(value: Any, *, indent: int | None = 2) -> None:
    """Write model objects / plain data as UTF-8 JSON to stdout."""
    from vats.model.serialise import dumps

    sys.stdout.write(dumps(value, indent=indent) + "\n")


def parse_date(text: str | None, *, field: str = "date", default_today: bool = True) -> date:
    """Parse an ISO date argument (YYYY-MM-DD); today when omitted and allowed."""
    if text is None:
        if default_today:
            from vats.model.clock import today

            return today()
        raise InputError("a date is required", field=field)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"not an ISO date (YYYY-MM-DD): {text!r}", field=field) from None
