"""Workpack exports: the XLSX and PDF follow the form's order and carry each value's source."""

from __future__ import annotations

import io
from datetime import date

import pytest

from vats.model.errors import InputError
from vats.registers.workpacks.models import Workpack
from vats.registers.workpacks.service import WorkpackView, build_view
from vats.report.workpack_export import render
from vats.rules.workpack import Prefilled
from vats.store.models import LicenceRecord


def _view() -> WorkpackView:
    record = LicenceRecord(
        number="渝B2-20210467",
        company="重庆万象优车科技有限公司",
        current_revision=1,
        data={"services": [{"code": "B25"}, {"code": "B21"}], "number_info": {"region": "CQ"}},
    )
    workpack = Workpack(
        licence=record.number, year=2025, status="draft", values={"staff": 40, "revenue": 1234.5}
    )
    prefill = {
        "licence.company": Prefilled(record.company, "许可证 渝B2-20210467（第 1 版）第 4 行"),
        "complaints.received": Prefilled(7, "用户投诉登记簿：2025 年度受理"),
    }
    return build_view(workpack, record=record, prefill=prefill, today=date(2026, 2, 1))


def test_xlsx_rows_follow_the_form_with_sources() -> None:
    from openpyxl import load_workbook

    view = _view()
    ws = load_workbook(io.BytesIO(render(view, "xlsx"))).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    labels = [r[1] for r in rows]
    assert labels == [r.slot.label for r in view.rows]
    by_label = {r[1]: r for r in rows}
    assert by_label["公司名称"][2:4] == ["重庆万象优车科技有限公司", "许可证 渝B2-20210467（第 1 版）第 4 行"]
    assert by_label["全年受理用户投诉（件）"][2] == "7"
    assert by_label["营业收入（元）"][2:6] == ["1234.5", "人工填写", "是", "是"]
    assert "还需填写" in str(ws["D1"].value)


def test_pdf_and_unknown_format() -> None:
    view = _view()
    pdf = render(view, "pdf")
    assert pdf.startswith(b"%PDF")
    html = render(view, "html").decode()
    assert html.index("企业基本情况") < html.index("服务质量") < html.index("互联网及相关业务统计表")
    assert "用户投诉登记簿：2025 年度受理" in html
    with pytest.raises(InputError) as info:
        render(view, "docx")
    assert info.value.field == "format"
