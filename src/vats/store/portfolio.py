"""Whole-portfolio export and import, generic over `Base.metadata`.

Every table any team declares is included automatically, in foreign-key dependency order, so a
restore never violates a constraint and a new register needs no code here. Values are written in a
type-neutral JSON form (dates ISO, timestamps as aware UTC with microseconds, bytes base64 — or, in a
zip, as separate files), and read back through each column's declared type. The audit log is copied
verbatim, so its hash chain still verifies after a restore.

An import goes into an EMPTY database only, in ONE transaction: a crash or kill midway leaves the
database exactly as it was.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import os
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Connection, Engine, Integer, LargeBinary, MetaData, Table, func, select, text
from sqlalchemy.types import Date, DateTime

from vats.model.clock import now_utc
from vats.model.errors import InputError, RefusedError
from vats.store.all_models import load_all

FORMAT = "vats-portfolio"
FORMAT_VERSION = 1
DOCUMENT_NAME = "portfolio.json"
PAUSE_ENV = "VATS_TEST_IMPORT_PAUSE"  # test-only: seconds to sleep after the first table is written
BATCH = 2000


def _tables(metadata: MetaData) -> list[Table]:
    return list(metadata.sorted_tables)


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _dump_value(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _load_value(column: Column[Any], value: Any, archive: zipfile.ZipFile | None) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        if isinstance(value, dict) and "$base64" in value:
            return base64.b64decode(value["$base64"])
        if isinstance(value, dict) and "$file" in value:
            if archive is None:
                raise InputError(f"{column.table.name}.{column.name}: attachment outside a zip export")
            return archive.read(value["$file"])
        raise InputError(f"{column.table.name}.{column.name}: expected bytes")
    if isinstance(column.type, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _pk_order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _iter_table(conn: Connection, table: Table) -> Iterator[Any]:
    result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*_pk_order(table)))
    yield from result


def _ref(table: Table, column: Column[Any], key: str) -> str:
    return f"files/{table.name}/{key}.{column.name}"


def _key(table: Table, row: Any, index: int) -> str:
    pk = [c.name for c in table.primary_key.columns]
    return "-".join(str(row._mapping[k]) for k in pk) if pk else str(index)


def _write_files(conn: Connection, zf: zipfile.ZipFile, tables: list[Table]) -> None:
    """Pass 1 of a zip export: every non-null binary value as its own entry, streamed."""
    for table in tables:
        binary = [c for c in table.columns if isinstance(c.type, LargeBinary)]
        if not binary:
            continue
        for index, row in enumerate(_iter_table(conn, table)):
            key = _key(table, row, index)
            for col in binary:
                value = row._mapping[col.name]
                if value is not None:
                    zf.writestr(_ref(table, col, key), bytes(value))


def _write_document(
    conn: Connection, out: IO[str], header: dict[str, Any], tables: list[Table], *, as_zip: bool
) -> dict[str, int]:
    """Pass 2: the JSON document, written row by row so memory does not grow with the portfolio."""
    dump = functools.partial(json.dumps, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out.write("{" + "".join(f"{dump(k)}:{dump(v)}," for k, v in sorted(header.items())) + '"tables":{')
    counts: dict[str, int] = {}
    for t_index, table in enumerate(tables):
        out.write(
            ("," if t_index else "")
            + f'{dump(table.name)}:{{"columns":{dump([c.name for c in table.columns])}'
        )
        out.write(',"rows":[')
        n = 0
        for n, row in enumerate(_iter_table(conn, table), start=1):
            key = _key(table, row, n - 1)
            values = [
                {"$file": _ref(table, col, key)}
                if as_zip and isinstance(col.type, LargeBinary) and row._mapping[col.name] is not None
                else _dump_value(col, row._mapping[col.name])
                for col in table.columns
            ]
            out.write(("," if n > 1 else "") + dump(values))
        out.write("]}")
        counts[table.name] = n
    out.write("}}")
    return counts


def export_portfolio(engine: Engine, path: str | Path) -> dict[str, int]:
    """Write every table to `path` (.json, or .zip with binary columns as files); returns row counts.

    Streams: rows are written as they are read (binary values go into the zip in a first pass), so an
    export of 100,000 licences needs no more memory than one of ten. Written to `FILE.partial` and
    renamed at the end, so an interrupted export never looks complete.
    """
    from vats.store.db import current

    path = Path(path)
    tables = _tables(load_all())
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema": current(engine),
        "exported_at": _utc(now_utc()),
    }
    tmp = path.with_name(path.name + ".partial")
    with engine.connect() as conn:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                _write_files(conn, zf, tables)
                with io.TextIOWrapper(zf.open(DOCUMENT_NAME, "w", force_zip64=True), encoding="utf-8") as out:
                    counts = _write_document(conn, out, header, tables, as_zip=True)
        else:
            with tmp.open("w", encoding="utf-8") as out:
                counts = _write_document(conn, out, header, tables, as_zip=False)
    tmp.replace(path)
    return counts


def content_for_comparison(path: str | Path) -> dict[str, Any]:
    """The export's tables (and attachment bytes) without the export timestamp: equal for equal data."""
    document, archive = _open(Path(path))
    tables = document["tables"]
    if archive is not None:
        tables = {
            "tables": tables,
            "files": {n: archive.read(n) for n in archive.namelist() if n != DOCUMENT_NAME},
        }
        archive.close()
    return {"schema": document["schema"], "tables": tables}


def _open(path: Path) -> tuple[dict[str, Any], zipfile.ZipFile | None]:
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            document = json.loads(archive.read(DOCUMENT_NAME).decode("utf-8"))
        else:
            archive = None
            document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("文件不存在 / no such file", source=str(path)) from None
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile) as exc:
        raise InputError(f"不是 vats 导出文件 / not a vats export: {exc}", source=str(path)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError("不是 vats 导出文件 / not a vats export (format field)", source=str(path))
    if document.get("version") != FORMAT_VERSION:
        raise InputError(
            f"不支持的导出版本 / unsupported export version {document.get('version')}", source=str(path)
        )
    return document, archive


@dataclass(frozen=True, slots=True)
class ImportResult:
    counts: dict[str, int]


def _non_empty(conn: Connection, tables: list[Table]) -> list[str]:
    return [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]


def import_portfolio(engine: Engine, path: str | Path) -> ImportResult:
    """Restore an export into an empty, migrated database, all or nothing."""
    from vats.store.db import current

    path = Path(path)
    document, archive = _open(path)
    metadata = load_all()
    tables = _tables(metadata)
    schema = current(engine)
    if document.get("schema") != schema:
        raise InputError(
            f"导出的数据库版本 {document.get('schema')} 与当前 {schema} 不同 / export schema differs from "
            "the database; upgrade both to the same vats version",
            source=str(path),
        )
    by_name = {t.name: t for t in tables}
    unknown = sorted(set(document["tables"]) - set(by_name))
    if unknown:
        raise InputError(f"未知的表 / unknown tables in export: {', '.join(unknown)}", source=str(path))
    counts: dict[str, int] = {}
    try:
        with engine.begin() as conn:
            busy = _non_empty(conn, tables)
            if busy:
                raise RefusedError(
                    f"目标数据库非空，拒绝导入 / the database is not empty ({', '.join(busy)}); "
                    "import needs a fresh database",
                    field="--db",
                )
            for i, table in enumerate(tables):
                block = document["tables"].get(table.name)
                if not block:
                    continue
                counts[table.name] = _insert(conn, table, block, archive, source=str(path))
                if i == 0 and os.environ.get(PAUSE_ENV):
                    sys.stderr.write("vats-import-paused\n")
                    sys.stderr.flush()
                    time.sleep(float(os.environ[PAUSE_ENV]))
            _reset_sequences(conn, tables)
    finally:
        if archive is not None:
            archive.close()
    return ImportResult(counts=counts)


def _insert(
    conn: Connection, table: Table, block: dict[str, Any], archive: zipfile.ZipFile | None, *, source: str
) -> int:
    names: list[str] = block["columns"]
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise InputError(f"{table.name}: 未知的列 / unknown columns {missing}", source=source)
    cols = [table.columns[n] for n in names]
    batch: list[dict[str, Any]] = []
    n = 0
    for row in block["rows"]:
        batch.append({c.name: _load_value(c, v, archive) for c, v in zip(cols, row, strict=True)})
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        n += len(batch)
    return n


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL serial counters do not move on explicit ids: set them past the restored rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False or not isinstance(pk[0].type, Integer):
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        ).scalar()
        if seq:
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, '
                    "false)"
                ),
                {"s": seq},
            )
