"""Reading sheets: encodings, headers under titles and merged cells, and the bad inputs refused."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from vats.ingest.sheet import SheetLimits, map_columns, open_sheet, validate_sheet
from vats.ingest.sheet.read import Formula
from vats.model.errors import InputError

HEADER = ["公司名称", "许可证编号", "业务种类", "发证日期", "有效期至"]
ROW = ["重庆万象优车科技有限公司", "渝B2-20210467", "B25", "2026年5月20日", "2031/5/19"]


def _xlsx(rows: list[list[object]], **sheets: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    for title, extra in sheets.items():
        other = book.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(data: bytes, name: str = "t.xlsx", limits: SheetLimits | None = None) -> list[tuple[int, tuple]]:
    sheet = open_sheet(data, name=name, **({"limits": limits} if limits else {}))
    return list(sheet.rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_reads_the_same(encoding: str) -> None:
    text = ",".join(HEADER) + "\n" + ",".join(ROW) + "\n"
    sheet = open_sheet(text.encode(encoding), name="台账.csv")
    assert sheet.source.encoding == encoding
    assert sheet.headers == tuple(HEADER)
    assert list(sheet.rows) == [(2, tuple(ROW))]


def test_csv_in_utf16_or_garbage_is_refused_naming_the_encoding() -> None:
    text = ",".join(HEADER) + "\n"
    with pytest.raises(InputError, match="UTF-8"):
        open_sheet(text.encode("utf-16"), name="a.csv")
    with pytest.raises(InputError, match="UTF-8"):
        open_sheet(b"\x81\x20\xff\xfe" * 10, name="a.csv")


def test_csv_with_semicolons_and_a_title_line() -> None:
    text = "客户许可证台账;;;;\n" + ";".join(HEADER) + "\n" + ";".join(ROW) + "\n"
    sheet = open_sheet(text.encode(), name="a.csv")
    assert sheet.header_row == 2
    assert list(sheet.rows) == [(3, tuple(ROW))]


def test_xlsx_with_title_row_and_merged_two_row_header() -> None:
    book = Workbook()
    ws = book.active
    ws.append(["2026 年许可证台账"])
    ws.merge_cells("A1:F1")
    ws.append(["公司名称", "许可证编号", "有效期", None, "网站/APP", None])
    ws.append([None, None, "发证日期", "有效期至", "名称", "域名"])
    ws.merge_cells("C2:D2")
    ws.merge_cells("A2:A3")
    ws.append(["甲公司", "渝B2-20210467", datetime(2026, 5, 20), 46527, "卖车通", "maichetong.com.cn"])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = open_sheet(buffer.getvalue(), name="t.xlsx")
    columns = map_columns(sheet.headers)
    assert columns.columns[:4] == ("company", "number", "issue_date", "expiry_date")
    rows = list(sheet.rows)
    assert rows[0][0] == 4


def test_hidden_sheets_are_skipped_and_said_so() -> None:
    book = Workbook()
    secret = book.active
    secret.title = "旧数据"
    secret.append(HEADER)
    secret.append(["乙公司", "京B2-20200001", "B25", "2020-01-01", "2025-01-01"])
    secret.sheet_state = "hidden"
    visible = book.create_sheet("台账")
    visible.append(HEADER)
    visible.append(ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = open_sheet(buffer.getvalue(), name="t.xlsx")
    assert any("旧数据" in n for n in sheet.notices)
    assert [cells[1] for _, cells in sheet.rows] == ["渝B2-20210467"]


def test_a_workbook_with_only_hidden_sheets_is_refused() -> None:
    base = _xlsx([HEADER, ROW])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b'state="visible"', b'state="hidden"')
                assert b'state="hidden"' in body
            dst.writestr(info, body)
    with pytest.raises(InputError, match="可见"):
        open_sheet(buffer.getvalue(), name="t.xlsx")


def test_formula_cells_are_refused_per_cell_not_trusted() -> None:
    data = _xlsx([HEADER, ["甲公司", "渝B2-20210467", "B25", "2026-05-20", "=DATE(2031,5,19)"]])
    sheet = open_sheet(data, name="t.xlsx")
    (row,) = list(sheet.rows)
    assert isinstance(row[1][4], Formula)
    (result,) = list(validate_sheet(open_sheet(data, name="t.xlsx"), map_columns(sheet.headers)))
    assert not result.ok
    assert result.licences == ()
    assert [(p.column, "公式" in p.message) for p in result.problems] == [("有效期至", True)]


def test_not_a_zip_named_xlsx_is_refused() -> None:
    with pytest.raises(InputError, match="XLSX"):
        open_sheet(b"PK\x03\x04 this is not really a zip", name="t.xlsx")
    with pytest.raises(InputError, match="XLSX"):
        open_sheet(b"plain text pretending", name="t.xlsx")


def _bomb(size: int) -> bytes:
    """A zip with xlsx part names whose sheet inflates `size` zero bytes from a few kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_disguised_as_xlsx_is_refused_from_the_directory() -> None:
    data = _bomb(64 << 20)
    assert len(data) < 1 << 20
    with pytest.raises(InputError, match="压缩炸弹"):
        open_sheet(data, name="报表.xlsx")


def test_total_inflated_size_is_capped() -> None:
    data = _xlsx([HEADER, ROW])
    with pytest.raises(InputError, match="解压后过大"):
        open_sheet(data, name="t.xlsx", limits=SheetLimits(max_uncompressed=1000))


def _many_rows(tmp_path, *, dimension: bool, rows: int = 1_000_000) -> bytes:  # type: ignore[no-untyped-def]
    """A real workbook whose sheet holds `rows` data rows, written streamed."""
    base = _xlsx([HEADER])
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open("xl/worksheets/sheet1.xml", "w") as out:
                dim = f'<dimension ref="A1:B{rows + 1}"/>' if dimension else ""
                out.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + dim.encode()
                    + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\x85\xac\xe5\x8f\xb8'
                    b'\xe5\x90\x8d\xe7\xa7\xb0</t></is></c><c r="B1" t="inlineStr"><is><t>'
                    b"\xe8\xae\xb8\xe5\x8f\xaf\xe8\xaf\x81\xe7\xbc\x96\xe5\x8f\xb7</t></is></c></row>"
                )
                for start in range(2, rows + 2, 10_000):
                    out.write(
                        "".join(
                            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>甲</t></is></c>'
                            f'<c r="B{r}" t="inlineStr"><is><t>B2-2020{r % 10000:04d}</t></is></c></row>'
                            for r in range(start, min(start + 10_000, rows + 2))
                        ).encode()
                    )
                out.write(b"</sheetData></worksheet>")
    return path.read_bytes()


@pytest.mark.slow
def test_a_million_rows_are_refused_before_reading_from_the_declared_dimension(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _many_rows(tmp_path, dimension=True, rows=60_000)
    with pytest.raises(InputError, match="行数超过上限"):
        open_sheet(data, name="big.xlsx")
    data = _many_rows(tmp_path, dimension=True)
    with pytest.raises(InputError, match=r"行数超过上限|解压后过大"):
        open_sheet(data, name="big.xlsx")


@pytest.mark.slow
def test_a_million_rows_without_a_dimension_are_refused_by_their_inflated_size(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _many_rows(tmp_path, dimension=False)
    with pytest.raises(InputError, match="解压后过大"):
        open_sheet(data, name="big.xlsx")


def test_rows_beyond_the_cap_stop_the_stream_when_no_dimension_is_declared(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _many_rows(tmp_path, dimension=False, rows=6_000)
    sheet = open_sheet(data, name="big.xlsx", limits=SheetLimits(max_rows=5_000))
    read = 0
    with pytest.raises(InputError, match="行数超过上限"):
        for _ in sheet.rows:
            read += 1
    assert read == 5_000


def test_csv_row_cap() -> None:
    text = ",".join(HEADER) + "\n" + (",".join(ROW) + "\n") * 30
    sheet = open_sheet(text.encode(), name="a.csv", limits=SheetLimits(max_rows=20))
    with pytest.raises(InputError, match="行数超过上限"):
        list(sheet.rows)


def test_oversized_file_and_missing_header_are_refused() -> None:
    with pytest.raises(InputError, match="文件过大"):
        open_sheet(b"x" * 200, name="a.csv", limits=SheetLimits(max_bytes=100))
    with pytest.raises(InputError, match="表头"):
        open_sheet(b"a,b,c\n1,2,3\n", name="a.csv")
