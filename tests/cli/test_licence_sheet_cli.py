"""`vats licence import-sheet` / `export-sheet` through the real CLI: exit codes, dry run, reports."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from store_cli import vats

from vats.model.uscc import check_char

CQ = "91500103MA5U6Y7RX" + check_char("91500103MA5U6Y7RX")
SHEET = (
    "公司名称,统一社会信用代码,许可证编号,业务种类,有效期至,备注\n"
    f"重庆万象优车科技有限公司,{CQ},渝B2-20210467,B25,2026-10-20,=1+1\n"
    "坏行公司,,京ICP备11041704号-15,B25,2025-01-01,\n"
)


def test_partial_import_exits_1_with_an_error_report(db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_bytes(SHEET.encode("utf-8-sig"))
    report = tmp_path / "问题.xlsx"
    dry = vats("licence", "import-sheet", str(sheet), "--dry-run", "--db", db_url, "--format", "json")
    assert dry.returncode == 1, dry.stderr
    body = json.loads(dry.stdout)
    assert (body["licences"], body["imported"], body["errors"], body["dry_run"]) == (1, 0, 1, True)
    assert json.loads(vats("licence", "list", "--format", "json", "--db", db_url).stdout) == []
    done = vats("licence", "import-sheet", str(sheet), "--errors", str(report), "--db", db_url)
    assert done.returncode == 1, done.stderr
    assert "第 3 行" in done.stdout and "imported 1" in done.stdout
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行", "列", "字段", "严重程度", "问题")
    assert rows[1][:2] == (3, "许可证编号") and "ICP" in rows[1][4]
    listed = json.loads(vats("licence", "list", "--format", "json", "--db", db_url).stdout)
    assert [r["number"] for r in listed] == ["渝B2-20210467"]


def test_a_mapping_and_the_export(db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "a.csv"
    sheet.write_text("Firm,Licence No.,Valid until\n甲公司,B2-20230001,2030-01-01\n", encoding="utf-8")
    done = vats("licence", "import-sheet", str(sheet), "--map", "Firm=company", "--db", db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "export.xlsx"
    exported = vats("licence", "export-sheet", "-o", str(out), "--db", db_url)
    assert exported.returncode == 0, exported.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("公司名称", "统一社会信用代码", "许可证编号")
    assert rows[1][0] == "甲公司" and rows[1][2] == "B2-20230001"


def test_unusable_sheets_exit_2_and_import_nothing(db_url: str, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(b"PK\x03\x04 not a workbook")
    for args in (
        [str(bomb)],
        [str(tmp_path / "missing.csv")],
        [str(bomb), "--map", "nonsense"],
    ):
        result = vats("licence", "import-sheet", *args, "--db", db_url)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert json.loads(vats("licence", "list", "--format", "json", "--db", db_url).stdout) == []
