"""Row validation: each problem names row, column and what is wrong; valid rows become licences."""

from __future__ import annotations

from datetime import date

import pytest

from vats.ingest.extract_services import parse_service_text
from vats.ingest.sheet import FROM_SHEET, map_columns, open_sheet, parse_overrides, validate_sheet
from vats.ingest.sheet.cells import date_of
from vats.ingest.sheet.shape import header_row, licence_row
from vats.model.errors import InputError
from vats.model.uscc import check_char

HEADER = [
    "公司名称",
    "统一社会信用代码",
    "许可证编号",
    "业务种类",
    "覆盖范围",
    "发证日期",
    "有效期至",
    "网站/APP",
]
CQ_CODE = "91500103MA5U6Y7RX" + check_char("91500103MA5U6Y7RX")
BJ_CODE = "91110108MA01ABCDX" + check_char("91110108MA01ABCDX")


def _results(*rows: list[str], header: list[str] = HEADER, overrides: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    sheet = open_sheet(buffer.getvalue().encode(), name="台账.csv")
    return list(validate_sheet(sheet, map_columns(sheet.headers, overrides)))


def _row(**changes: str) -> list[str]:
    values = {
        "company": "重庆万象优车科技有限公司",
        "uscc": CQ_CODE,
        "number": "渝B2-20210467",
        "services": "信息服务业务（仅限互联网信息服务）不含信息搜索查询服务、信息即时交互服务。",
        "coverage": "",
        "issue": "2026年05月20日",
        "expiry": "2031-05-19",
        "sites": "卖车通(maichetong.com.cn)",
    }
    values.update(changes)
    return list(values.values())


def test_a_clean_row_becomes_a_licence_marked_as_from_the_sheet() -> None:
    (result,) = _results(_row())
    assert result.ok, result.problems
    (licence,) = result.licences
    assert licence.number == "渝B2-20210467"
    assert licence.from_sheet
    assert licence.source is not None and licence.source.path == "台账.csv#2"
    assert [w.code for w in licence.warnings] == [FROM_SHEET]
    assert licence.provenance["number"].first_line == 2
    (service,) = licence.services
    assert (service.code, service.limited_to, service.excludes) == (
        "B25",
        ("互联网信息服务",),
        ("信息搜索查询服务", "信息即时交互服务"),
    )
    assert service.coverage == ("重庆市",) and not service.coverage_stated  # inferred from 渝
    assert [(s.name, s.domain) for s in licence.sites] == [("卖车通", "maichetong.com.cn")]


def test_services_read_exactly_as_the_document_extractor_reads_them() -> None:
    text = (
        "在线数据处理与交易处理业务(仅限经营类电子商务)"
        "不含网络借贷信息中介类的互联网金融业务。【依法须经批准的项目】"
    )
    (result,) = _results(_row(services=text))
    (service,) = result.licences[0].services
    parsed = parse_service_text(text)
    assert parsed is not None
    assert (service.name, list(service.limited_to), list(service.excludes), list(service.notes)) == (
        parsed.name,
        parsed.limited_to,
        parsed.excludes,
        parsed.notes,
    )
    assert service.code == "B21"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("46162", date(2026, 5, 20)),
        (46162, date(2026, 5, 20)),
        (46162.0, date(2026, 5, 20)),
        ("2026/5/20", date(2026, 5, 20)),
        ("2026年5月20日", date(2026, 5, 20)),
        ("2026.05.20", date(2026, 5, 20)),
        ("2026-05-20", date(2026, 5, 20)),
        ("", None),
    ],
)
def test_dates_in_every_common_form(cell: object, expected: date | None) -> None:
    assert date_of(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"number": "渝B2-2021046"}, "许可证编号", "bad licence number"),
        ({"number": "京ICP备11041704号-15"}, "许可证编号", "ICP filing"),
        ({"number": ""}, "许可证编号", "no licence number"),
        (
            {"uscc": CQ_CODE[:-1] + ("0" if CQ_CODE[-1] != "0" else "1")},
            "统一社会信用代码",
            "check character",
        ),
        ({"issue": "2026.13.40"}, "发证日期", "not a date"),
        ({"expiry": "2020-01-01"}, "有效期至", "before issue"),
        ({"services": "卫星通信业务"}, "业务种类", "catalogue"),
        ({"services": "B21 信息服务业务"}, "业务种类", "does not name"),
        ({"coverage": "火星"}, "覆盖范围", "unknown region"),
        ({"sites": "卖车通"}, "网站/APP", "no domain"),
        ({"company": ""}, "公司名称", "company name is empty"),
    ],
)
def test_each_bad_cell_is_an_error_naming_row_and_column(
    changes: dict[str, str], column: str, fragment: str
) -> None:
    (result,) = _results(_row(**changes))
    assert not result.ok and result.licences == ()
    errors = [(p.row, p.column) for p in result.problems if fragment in p.message]
    assert errors == [(2, column)], result.problems


def test_region_differing_from_the_credit_code_is_a_warning() -> None:
    (result,) = _results(_row(uscc=BJ_CODE))
    assert result.ok
    (warning,) = result.problems
    assert warning.severity == "warning" and "北京市" in warning.message and warning.column == "许可证编号"


def test_duplicate_rows_and_repeated_numbers() -> None:
    first, again, other = _results(_row(), _row(), _row(company="别的公司"))
    assert first.ok
    assert not again.ok and "duplicate of row 2" in again.problems[0].message
    assert not other.ok and "repeated from row 2" in other.problems[0].message


def test_several_numbers_in_one_cell_become_one_licence_each() -> None:
    (result,) = _results(_row(number="渝B2-20210467、B2-20230001"))
    assert result.ok
    assert [lic.number for lic in result.licences] == ["渝B2-20210467", "B2-20230001"]
    assert any("2 numbers in one cell" in p.message for p in result.problems)


def test_english_headers_and_a_user_mapping() -> None:
    header = ["Company", "Licence No.", "Services", "Valid until", "备注"]
    (result,) = _results(["甲公司", "B2-20230001", "B25", "2028-01-01", "渝B2-20210467"], header=header)
    assert [lic.number for lic in result.licences] == ["B2-20230001"]
    (result,) = _results(
        ["甲公司", "B2-20230001", "B25", "2028-01-01", "渝B2-20210467"],
        header=header,
        overrides=parse_overrides(["备注=number", "Licence No.=-"]),
    )
    assert [lic.number for lic in result.licences] == ["渝B2-20210467"]


@pytest.mark.parametrize(
    ("pairs", "fragment"),
    [
        (["备注"], "COLUMN=FIELD"),
        (["备注=colour"], "unknown field"),
        (["不存在=number"], "no column"),
        (["Company=-"], "no column for company"),
    ],
)
def test_bad_mappings_are_input_errors_naming_map(pairs: list[str], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as caught:
        _results(
            ["甲公司", "B2-20230001", "B25", "2028-01-01", ""],
            header=["Company", "Licence No.", "Services", "Valid until", "备注"],
            overrides=parse_overrides(pairs),
        )
    assert caught.value.field == "map"


def test_a_licence_row_reads_back_to_the_same_licence() -> None:
    text = (
        "B25 信息服务业务(仅限互联网信息服务)\n"
        "B21 在线数据处理与交易处理业务(仅限经营类电子商务)不含网络借贷信息中介类的互联网金融业务。"
    )
    (result,) = _results(
        _row(
            number="B2-20230001",
            services=text,
            coverage="北京市、上海市",
            sites="懂车帝(APP:dongchedi.com)、卖车通(maichetong.com.cn)",
        )
    )
    licence = result.licences[0]
    row = licence_row(licence, uscc=CQ_CODE)
    (again,) = _results(list(row.values()), header=header_row())
    assert again.licences[0].essentials() == licence.essentials()
