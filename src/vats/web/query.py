"""Query-string values for web pages, parsed so that a bad one is a 400 naming the parameter.

Pages take query parameters as plain strings (a browser can send anything), and some pass them on
to API endpoint functions called directly, which skips FastAPI's validation. Everything that
parses a query value goes through here, so `?page=abc` or `?month=2026-13` answers a Chinese error
page naming the field instead of a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from vats.model.errors import InputError

T = TypeVar("T")


def parsed(name: str, raw: str, parse: Callable[[str], T], expected: str) -> T:
    """`parse(raw)`, with any ValueError (or validation error) turned into an InputError for `name`."""
    try:
        return parse(raw)
    except (ValueError, ValidationError, OverflowError):
        raise InputError(
            f"查询参数 {name} 无效：{raw[:40]!r}（应为{expected}）/ bad query parameter {name}", field=name
        ) from None


def page_number(raw: str | None) -> int:
    """`?page=`: a positive integer (1 when absent)."""
    if raw in (None, ""):
        return 1
    number = parsed("page", raw, int, "正整数")
    if not 1 <= number <= 1_000_000:
        raise InputError(f"查询参数 page 超出范围：{number} / page out of range", field="page")
    return number


def month_start(raw: str) -> date:
    """`?month=YYYY-MM`: the first day of that month (years 1970–2100, where a calendar makes sense)."""
    first = parsed("month", raw, _first_of_month, "YYYY-MM")
    if not 1970 <= first.year <= 2100:
        raise InputError(f"查询参数 month 超出范围：{raw!r} / month out of range", field="month")
    return first


def as_type(name: str, raw: str, annotation: Any) -> Any:
    """`raw` validated as `annotation` (an endpoint's query parameter type, e.g. `date | None`)."""
    return parsed(name, raw, TypeAdapter(annotation).validate_python, _describe(annotation))


def _describe(annotation: Any) -> str:
    text = str(annotation)
    if "date" in text:
        return "日期 YYYY-MM-DD"
    if "int" in text:
        return "整数"
    return "有效值"


def _first_of_month(text: str) -> date:
    if len(text) != 7:
        raise ValueError("not YYYY-MM")
    return date.fromisoformat(f"{text}-01")
