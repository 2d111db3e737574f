"""Fast YAML loading plus a small stdlib schema check for the bundled reference data.

Reference files (regions, catalogue, …) are read on nearly every command, so the happy path uses
libyaml's `CSafeLoader` and plain dict checks — no pydantic, no line tracking. Only when a check
fails do we re-read the file through `marked_yaml` (slow, line-aware) so the error still names the
file, the line and the dotted key. Other reference loaders should reuse this module:

    doc = load_yaml(path)                                   # Document(data, source)
    rows = doc.records(("regions",), required={"code": str}, optional={"places": list})
    doc.error(("regions", 3, "code"), "unknown code")       # -> InputError with file:line
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vats.model.errors import InputError

# libyaml is an order of magnitude faster; fall back quietly where it is not compiled in.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[Any, ...]
Spec = Mapping[str, type | tuple[type, ...]]


@dataclass(frozen=True, slots=True)
class Document:
    """Parsed YAML data and the file it came from; builds located errors on demand."""

    data: Any
    source: str
    text: str

    def error(self, path: Sequence[Any], message: str) -> InputError:
        """An `InputError` naming the file, the line of `path` (looked up lazily) and the key."""
        from vats.reference.marked_yaml import load_marked_text

        try:
            line = load_marked_text(self.text, source=self.source).line(path)
        except InputError:  # the fast loader accepted it; be safe if the slow one disagrees
            line = None
        dotted = ".".join(str(p) for p in path) or None
        return InputError(message, source=self.source, line=line, field=dotted)

    def at(self, path: Sequence[Any]) -> Any:
        """The value at a key path (mapping keys and list indexes)."""
        value = self.data
        for i, key in enumerate(path):
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                raise self.error(path[: i + 1], "缺少必填字段 / missing required field") from None
        return value

    def record(self, path: Sequence[Any], *, required: Spec, optional: Spec | None = None) -> dict[str, Any]:
        """Check that the mapping at `path` has exactly the allowed keys with the right types."""
        value = self.at(path)
        optional = optional or {}
        if not isinstance(value, dict):
            raise self.error(path, f"应为映射 / expected a mapping, got {type(value).__name__}")
        for key in value:
            if key not in required and key not in optional:
                raise self.error((*path, key), f"未知字段 / unknown field {key!r}")
        for key in required:
            if key not in value:
                raise self.error(path, f"缺少必填字段 / missing required field {key!r}")
        for key, item in value.items():
            expected = required.get(key) or optional[key]
            if not isinstance(item, expected) or isinstance(item, bool) is not (expected is bool):
                raise self.error((*path, key), f"类型错误 / expected {_type_name(expected)}, got {item!r}")
        return value

    def records(
        self, path: Sequence[Any], *, required: Spec, optional: Spec | None = None
    ) -> list[dict[str, Any]]:
        """Check a list of mappings (one `record` check per item)."""
        items = self.at(path)
        if not isinstance(items, list):
            raise self.error(path, "应为列表 / expected a list")
        return [self.record((*path, i), required=required, optional=optional) for i in range(len(items))]

    def strings(self, path: Sequence[Any], value: Any) -> tuple[str, ...]:
        """A list of non-empty strings (an absent value means empty)."""
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(path, "应为字符串列表 / expected a list of non-empty strings")
        return tuple(value)


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return " or ".join(t.__name__ for t in expected)
    return expected.__name__


def load_yaml_text(text: str, *, source: str) -> Document:
    """Parse YAML text with the fast loader; syntax errors name the file and line."""
    try:
        data = yaml.load(text, Loader=_Loader)  # a safe loader: CSafeLoader or SafeLoader
    except yaml.YAMLError:
        from vats.reference.marked_yaml import load_marked_text

        load_marked_text(text, source=source)  # the line-aware loader raises the located error
        raise InputError("YAML 语法错误 / invalid YAML", source=source) from None
    return Document(data=data, source=source, text=text)


def load_yaml(path: str | Path) -> Document:
    """Read a UTF-8 YAML file; unreadable files become `InputError` naming the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取文件 / cannot read file: {exc}", source=str(p)) from None
    return load_yaml_text(text, source=str(p))
