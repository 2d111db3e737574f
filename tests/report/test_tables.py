"""Register exports carry the registers' Chinese column headers (from each register's labels.yaml)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

REGISTER_TABLES = [
    "disposal_cases",
    "complaints",
    "incidents",
    "assessments",
    "corporate_changes",
    "filings",
    "attachments",
]


@pytest.mark.parametrize("table", REGISTER_TABLES)
def test_register_export_headers_are_chinese_labels(sqlite_url: str, tmp_path: Path, table: str) -> None:
    from vats.registers.labels import for_table
    from vats.report.tables import export_table, resolve_table
    from vats.store.db import make_engine, session_scope, upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        export_table(s, table=table, format="csv", path=tmp_path / "r.csv")
        export_table(s, table=table, format="xlsx", path=tmp_path / "r.xlsx")
    engine.dispose()
    (header,) = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    labels = for_table(table)
    columns = [c.name for c in resolve_table(table).columns]
    assert header == [labels[c].zh for c in columns]
    assert not [h for h in header if h.isascii() and h != "SM3 摘要"], header
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert [c.value for c in sheet[1]] == header
