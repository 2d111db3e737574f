"""YAML loading that remembers the line of every value, so data-file errors can name file, line and field.

The rules library, the holiday calendar and events files are edited by hand; a message such as
`rules/renewal.yaml:14: deadline.unit: unknown value 'weeks'` lets the author fix the file without guessing.
PyYAML already records a mark on every node, so we compose nodes and build plain Python values while
keeping a `path -> line` map next to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from vats.model.errors import InputError

if TYPE_CHECKING:
    from pydantic import ValidationError

PathKey = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Marked:
    """Plain YAML data plus the 1-based line where each mapping key / sequence item starts."""

    data: Any
    source: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: Sequence[Any]) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one (pydantic paths can go deeper)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def error(self, path: Sequence[Any], message: str) -> InputError:
        """An `InputError` naming this file, the line of `path` and the dotted field name."""
        dotted = ".".join(str(p) for p in path) or None
        return InputError(message, source=self.source, line=self.line(path), field=dotted)


class _Builder(yaml.constructor.SafeConstructor):
    """Builds Python values from composed nodes, recording each node's line on the way."""

    def __init__(self, lines: dict[PathKey, int]) -> None:
        super().__init__()
        self._lines = lines

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self._lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in result:
                    raise InputError(
                        f"duplicate key {key!r} / 键重复",
                        line=key_node.start_mark.line + 1,
                        field=".".join(str(p) for p in (*path, key)),
                    )
                self._lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.construct_object(node, deep=True)
        except ValueError:  # e.g. 2026-02-30 looks like a date but is none: keep the text for the validator
            return node.value


def load_marked_text(text: str, *, source: str) -> Marked:
    """Parse YAML text; syntax errors become `InputError` with the file and line."""
    lines: dict[PathKey, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = None if node is None else _Builder(lines).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"YAML 语法错误 / invalid YAML: {exc.problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 语法错误 / invalid YAML: {exc}", source=source) from None
    except InputError as exc:  # duplicate key: add the file name
        raise InputError(exc.message, source=source, line=exc.line, field=exc.field) from None
    return Marked(data=data, source=source, lines=lines)


def load_marked(path: str | Path) -> Marked:
    """Read and parse a YAML file (UTF-8); unreadable files become `InputError` naming the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取文件 / cannot read file: {exc}", source=str(p)) from None
    return load_marked_text(text, source=str(p))


def validation_error(exc: ValidationError, marked: Marked, base: PathKey = ()) -> InputError:
    """Turn the first pydantic error into an `InputError` at the offending line and field."""
    first = exc.errors()[0]
    loc = (*base, *first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        message = f"未知字段 / unknown field {loc[-1]!r}"
    elif kind == "missing":
        message = f"缺少必填字段 / missing required field {loc[-1]!r}"
    else:
        message = f"取值无效 / invalid value: {first['msg']}"
    return marked.error(loc, message)
