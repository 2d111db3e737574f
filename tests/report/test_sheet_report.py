"""Sheet outputs: the problem report keeps formula-like text as text; reminders say a licence's data is
unverified while it is known only from a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from vats.ingest.sheet import Problem
from vats.report.sheet import error_report_xlsx
from vats.store.db import make_engine, session_scope, upgrade


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def test_problem_report_rows_and_formula_like_text() -> None:
    problems = [
        Problem(3, "许可证编号", "number", '=HYPERLINK("http://x")'),
        Problem(4, "", None, "与第 3 行重复 / duplicate of row 3", "warning"),
    ]
    book = load_workbook(io.BytesIO(error_report_xlsx(problems, truncated=True)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("行", "列", "字段", "严重程度", "问题")
    assert rows[1] == (3, "许可证编号", "number 许可证编号", "错误（未导入）", '=HYPERLINK("http://x")')
    assert book.active["E2"].data_type == "s"  # text, never a live formula
    assert rows[2][2:4] == ("整行 / row", "警告（已导入）")
    assert rows[3][0] == "…"


def test_reminders_label_licences_known_only_from_a_sheet(engine: Engine) -> None:
    from vats.report.notify import collect
    from vats.store.sheet import import_sheet

    sheet = "公司名称,许可证编号,业务种类,有效期至\n甲公司,渝B2-20210467,B25,2026-10-20\n".encode()
    with session_scope(engine, actor="t") as session:
        import_sheet(session, data=sheet, name="a.csv")
    with session_scope(engine, actor="t") as session:
        lines = [n.line for n in collect(session, as_of=date(2026, 11, 2)) if "渝B2-20210467" in n.line]
    assert lines and all("unverified: from a spreadsheet" in line for line in lines)
