"""Export one table (a register, usually) as CSV or XLSX with Chinese column headers.

Headers come from the register's labels (`vats.registers.labels`, one file per register), else a
column's `info={"zh": ...}` (store tables declare them on their models), else the column name. CSV
is written with a UTF-8 BOM so Excel on a Chinese Windows opens it correctly. Rows are streamed, so
a million-row register does not sit in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from vats.model.errors import InputError

Format = Literal["csv", "xlsx"]


def zh_header(table: Table) -> list[str]:
    """Column headers: the register's Chinese label, else the column's declared name, else its name."""
    from vats.registers.labels import for_table

    labels = for_table(table.name)
    return [labels[c.name].zh if c.name in labels else str(c.info.get("zh") or c.name) for c in table.columns]


def _cell(value: Any, *, xlsx: bool) -> Any:
    if value is None:
        return "" if not xlsx else None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(tzinfo=None) if xlsx else aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value if xlsx else value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        from vats.model.sm3 import sm3_hex

        return f"sm3:{sm3_hex(bytes(value))}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return ("是" if value else "否") if not xlsx else value
    return value


def _rows(session: Session, table: Table) -> Iterator[tuple[Any, ...]]:
    query = select(table).order_by(*(table.primary_key.columns or table.columns))
    yield from session.execute(query, execution_options={"yield_per": 2000})


def resolve_table(name: str) -> Table:
    from vats.store.all_models import load_all

    metadata = load_all()
    if name not in metadata.tables:
        known = ", ".join(sorted(metadata.tables))
        raise InputError(f"未知的表 / unknown table {name!r} (known: {known})", field="--table")
    return metadata.tables[name]


def export_table(session: Session, *, table: str, format: Format, path: str | Path) -> int:
    """Write `table` to `path`; returns the number of rows. The file appears complete or not at all."""
    from vats.report.cells import csv_text, xlsx_cell
    from vats.report.files import replacing

    tbl = resolve_table(table)
    if format not in ("csv", "xlsx"):
        raise InputError(f"未知格式 / unknown format {format!r} (csv, xlsx)", field="--format")
    n = 0
    with replacing(Path(path)) as tmp:
        if format == "csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(zh_header(tbl))
                for row in _rows(session, tbl):
                    writer.writerow([csv_text(_cell(v, xlsx=False)) for v in row])
                    n += 1
        else:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet(title=table[:31])
            ws.append(zh_header(tbl))
            for row in _rows(session, tbl):
                ws.append([xlsx_cell(ws, _cell(v, xlsx=True)) for v in row])
                n += 1
            wb.save(tmp)
    return n
