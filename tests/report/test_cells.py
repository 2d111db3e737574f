"""Outside text in spreadsheets: control characters never break an export, formulas never run."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from vats.report.cells import clean_text, csv_text, looks_like_formula, xlsx_cell


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ('=HYPERLINK("http://x","点我")', True),
        ("+1+1", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("-3", False),
        ("+4.5", False),
        ("渝B2-20210467", False),
        ("", False),
    ],
)
def test_formula_detection(value: str, formula: bool) -> None:
    assert looks_like_formula(value) is formula
    assert csv_text(value) == ("'" + value if formula else value)


@given(st.text())
def test_any_text_goes_into_a_workbook_and_comes_back_as_text(value: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([xlsx_cell(sheet, value), xlsx_cell(sheet, 7), xlsx_cell(sheet, date(2026, 1, 5))])
    out = io.BytesIO()
    book.save(out)  # openpyxl refuses control characters: this would raise without clean_text
    cell = load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    # the same text; XML reads every line ending back as \n, and an empty string as no value
    expected = clean_text(value).replace("\r\n", "\n").replace("\r", "\n")
    assert (cell.value or "") == expected
    assert cell.data_type != "f"  # never a formula


def test_register_export_keeps_hostile_text_as_text(sqlite_url: str, tmp_path: Path) -> None:
    """A complaint note that looks like a formula and holds a control character exports as plain text."""
    from vats.report.tables import export_table
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.models import Organisation

    engine = make_engine(sqlite_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        s.add(Organisation(name='=HYPERLINK("http://evil","点我")\x0c'))
    with session_scope(engine, actor="t") as s:
        export_table(s, table="organisations", format="xlsx", path=tmp_path / "o.xlsx")
        export_table(s, table="organisations", format="csv", path=tmp_path / "o.csv")
    engine.dispose()
    sheet = load_workbook(tmp_path / "o.xlsx").active
    names = [c for c in sheet[2] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and names[0].data_type == "s" and names[0].value.endswith("\ufffd")
    rows = list(csv.reader((tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert any(v.startswith("'=HYPERLINK") for v in rows[1])
