"""Turn model objects into JSON-ready data (and back) without importing a validation framework.

`to_jsonable` is on the hot path of `vats parse` and the batch benchmarks, so it walks dataclasses
directly instead of going through pydantic; `from_jsonable` (rarely used: imports, API) does use
pydantic's TypeAdapter, imported lazily.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Recursively convert dataclasses, enums, dates, tuples and mappings to JSON types."""
    if value is None or isinstance(value, str | int | float | bool):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, bytes | bytearray):
        return [to_jsonable(v) for v in value]  # tuples, lists and lazy sequences (explanations)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text with Chinese kept readable (no \\u escapes)."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=indent)


def from_jsonable(cls: type[T], data: Any) -> T:
    """Build a model object (e.g. `Licence`) from JSON data, validating types on the way."""
    from pydantic import TypeAdapter

    return TypeAdapter(cls).validate_python(data)


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The published JSON Schema of a model type (`vats schema licence`)."""
    from pydantic import TypeAdapter

    schema: dict[str, Any] = TypeAdapter(cls).json_schema(mode="serialization")
    return schema
