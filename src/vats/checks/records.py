"""Read a list of flat records from YAML or CSV, keeping the line of every record and field.

Inventories and the feature map are edited by hand; an error has to say "inventory.yaml:14: domain:
…", so the loaders need line numbers that `yaml.safe_load` throws away. YAML is composed to nodes
and converted back with each mapping's and key's line kept alongside (`vats.reference.marked_yaml`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vats.model.errors import InputError
from vats.reference.marked_yaml import load_marked_text


@dataclass(frozen=True, slots=True)
class Record:
    """One record: its values, the line it starts on, and the line of each field."""

    values: dict[str, Any]
    line: int
    field_lines: dict[str, int]

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("文件不存在 / file not found", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"不是 UTF-8 文本 / not UTF-8 text ({exc.reason})", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"无法读取 / cannot read: {exc.strerror}", source=str(path)) from None


def yaml_records(text: str, *, source: str, key: str | None) -> tuple[list[Record], dict[str, Any]]:
    """Records of the top-level list (or of the list under `key` in a top-level mapping).

    Returns the records and the other top-level values (e.g. `version`)."""
    marked = load_marked_text(text, source=source)
    data = marked.data
    base: tuple[str, ...] = ()
    if data is None:
        return [], {}
    header: dict[str, Any] = {}
    if isinstance(data, dict):
        if key is None or key not in data:
            raise marked.error((), f"缺少 `{key}` 列表 / missing list `{key}`")
        header = {k: v for k, v in data.items() if k != key}
        data, base = data[key], (key,)
    if not isinstance(data, list):
        raise marked.error(base, "应为记录列表 / expected a list of records")
    records = []
    for i, values in enumerate(data):
        line = marked.line((*base, i)) or 1
        if not isinstance(values, dict):
            raise InputError("每条记录应为键值映射 / each record must be a mapping", source=source, line=line)
        lines = {str(k): marked.line((*base, i, k)) or line for k in values}
        records.append(Record({str(k): v for k, v in values.items()}, line, lines))
    return records, header


def csv_records(text: str, *, source: str, list_fields: frozenset[str] = frozenset()) -> list[Record]:
    """CSV with a header row; `list_fields` are split on `;`, `、` or `|` into lists."""
    reader = csv.DictReader(io.StringIO(text))
    records = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError("列数多于表头 / more columns than the header", source=source, line=line)
        values: dict[str, Any] = {}
        for name, raw in row.items():
            name = (name or "").strip()
            cell = (raw or "").strip()
            if not cell:
                continue
            if name in list_fields:
                values[name] = [
                    p.strip() for p in cell.replace("、", ";").replace("|", ";").split(";") if p.strip()
                ]
            else:
                values[name] = cell
        if values:
            records.append(Record(values, line, {}))
    return records
