"""`vats export` / `vats import` and table exports with Chinese headers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from store_cli import vats


def test_export_import_round_trip(db_url: str, seed_path: Path, tmp_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    out = tmp_path / "p.zip"
    exported = vats("export", "-o", str(out), "--db", db_url)
    assert exported.returncode == 0, exported.stderr
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = vats("import", str(out), "--db", target)
    assert restored.returncode == 0, restored.stderr
    again = vats("import", str(out), "--db", target)
    assert again.returncode == 4 and "not empty" in again.stderr
    assert vats("auditlog", "verify", "--db", target).returncode == 0
    listed = json.loads(vats("licence", "list", "--format", "json", "--db", target).stdout)
    assert [r["number"] for r in listed] == ["渝B2-20210467"]


def test_table_export_csv_and_xlsx(sqlite_url: str, seed_path: Path, tmp_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", sqlite_url).returncode == 0
    csv_path = tmp_path / "licences.csv"
    done = vats("export", "--table", "licences", "--format", "csv", "-o", str(csv_path), "--db", sqlite_url)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["编号", "许可证号", "组织"] and rows[1][1] == "渝B2-20210467"
    xlsx = tmp_path / "licences.xlsx"
    assert vats("export", "--table", "licences", "-o", str(xlsx), "--db", sqlite_url).returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert (
        sheet is not None
        and sheet.cell(1, 2).value == "许可证号"
        and sheet.cell(2, 2).value == "渝B2-20210467"
    )
    bad = vats(
        "export", "--table", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv"), "--db", sqlite_url
    )
    assert bad.returncode == 2 and "unknown table" in bad.stderr
