"""Grammar-certain OCR corrections: only in number and date slots, each with the original reading."""

from __future__ import annotations

import pytest

from vats.ingest.scan.grammar import check_line


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("经营许可证编号:渝82-20210467", "经营许可证编号:渝B2-20210467"),
        ("经营许可证编号:渝B2-2O21O467", "经营许可证编号:渝B2-20210467"),
        ("经营许可证编号:渝B2-2021l4I7", "经营许可证编号:渝B2-20211417"),
        ("经营许可证编号:渝B2一20210467", "经营许可证编号:渝B2-20210467"),
        ("经营许可证编号:A2.8I-2009000B", "经营许可证编号:A2.B1-20090008"),
        ("经营许可证编号:京ICP证O3O173号", "经营许可证编号:京ICP证030173号"),
        ("发证日期:2O26年O5月2l日", "发证日期:2026年05月21日"),
    ],
)
def test_confusions_in_number_and_date_slots_are_corrected(read: str, meant: str) -> None:
    checked = check_line(read)
    assert checked.text == meant
    assert checked.corrections and all(c.original != c.corrected for c in checked.corrections)
    assert checked.corrections[0].original in read


@pytest.mark.parametrize(
    "line",
    [
        "经营许可证编号:渝B2-20210467",
        "公司名称:重庆BOOl科技有限公司",  # letters in a name are never touched
        "网站域名:b2-2021.com",
        "发证日期:2026年05月20日",
    ],
)
def test_clean_lines_and_other_fields_are_left_alone(line: str) -> None:
    checked = check_line(line)
    assert checked.text == line
    assert checked.corrections == ()
    assert checked.missing_digit is None


def test_a_seven_digit_serial_is_flagged_not_guessed() -> None:
    checked = check_line("经营许可证编号:渝B2-2021047")
    assert checked.text == "经营许可证编号:渝B2-2021047"
    assert checked.missing_digit == "渝B2-2021047"
