"""Regulator lists: saved CSV, XLSX, HTML and pasted text read alike; the column mapping is guessed and
overridable; rows match by USCC, licence number and normalised name; hits become findings."""

from __future__ import annotations

import io

import pytest

from vats.checks.regulator_lists import (
    Party,
    entries,
    guess_mapping,
    hit_findings,
    match,
    normalise_name,
    parse_mapping,
    read_table,
)
from vats.model.errors import InputError

ROWS = [
    ["序号", "企业名称", "统一社会信用代码", "许可证编号", "处理日期", "列入事由", "列入单位"],
    ["1", "重庆万象优车科技有限公司", "", "", "2025-05-10", "未按时报送年报", "重庆市通信管理局"],
    ["2", "某某网络公司", "91110000MA0000000X", "", "2025-05-10", "未按时报送年报", "北京市通信管理局"],
    ["3", "无关公司", "", "京B2-20990001", "2025-05-10", "违规", "北京市通信管理局"],
]
PARTIES = [
    Party(
        kind="licence", name="重庆万象优车科技有限公司", licence="渝B2-20210467", label="许可证 渝B2-20210467"
    ),
    Party(kind="supplier", name="某某网络有限公司", uscc="91110000ma0000000x", label="cp.csv:2"),
    Party(kind="customer", name="另一家公司", label="cp.csv:3"),
]


def _csv() -> bytes:
    return "\n".join(",".join(r) for r in ROWS).encode("gb18030")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in ROWS:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _html() -> bytes:
    cells = "".join("<tr>" + "".join(f"<td> {c} </td>" for c in r) + "</tr>" for r in ROWS)
    tail = "<table><tr><td>x</td></tr></table>"  # only the first table is the list
    return f"<html><body><p>通知</p><table>{cells}</table>{tail}</body></html>".encode()


def _pasted() -> bytes:
    return "\n".join("\t".join(c or "-" for c in r) for r in ROWS).encode()


@pytest.mark.parametrize(
    ("data", "name"),
    [(_csv(), "list.csv"), (_xlsx(), "list.xlsx"), (_html(), "list.html"), (_pasted(), "paste")],
)
def test_every_format_reads_the_same_rows(data: bytes, name: str) -> None:
    table = read_table(data, filename=name)
    mapping = guess_mapping(table.header)
    assert mapping == {"name": 1, "uscc": 2, "licence": 3, "date": 4, "reason": 5, "unit": 6}
    rows = entries(table, mapping)
    assert [r.line for r in rows] == [2, 3, 4]
    assert rows[0].name == "重庆万象优车科技有限公司" and rows[0].reason == "未按时报送年报"


def test_matches_by_each_key_and_hits_become_findings() -> None:
    table = read_table(_csv(), filename="bad.csv")
    hits = match(entries(table, guess_mapping(table.header)), PARTIES)
    by = {h.party.label: h.by for h in hits}
    assert by == {"许可证 渝B2-20210467": ("name",), "cp.csv:2": ("uscc",)}  # 公司 ≠ 有限公司: no name hit
    findings = hit_findings(hits, list_kind="bad", source="bad.csv")
    assert [f.severity.value for f in findings] == ["critical", "high"]
    assert findings[0].licence == "渝B2-20210467" and findings[0].evidence[0].line == 2
    assert "bad.csv" in (findings[0].evidence[0].note or "")
    assert "未按时报送年报" in findings[0].message_zh


def test_names_normalise_full_width_spaces_brackets_and_legal_form() -> None:
    assert normalise_name("重庆万象（优车） 科技有限公司") == normalise_name("重庆万象(优车)科技")
    assert normalise_name("ＡＢＣ网络股份有限公司") == "abc网络"


def test_mapping_overrides_and_refusals() -> None:
    table = read_table(_csv(), filename="bad.csv")
    assert parse_mapping(["经营者名称=3", "uscc=统一社会信用代码"], table.header) == {"name": 2, "uscc": 2}
    with pytest.raises(InputError) as info:
        parse_mapping(["name=99"], table.header)
    assert info.value.field == "--map"
    with pytest.raises(InputError):
        entries(table, {"date": 4})
    with pytest.raises(InputError) as empty:
        read_table(b"\n\n", filename="x.csv")
    assert empty.value.field == "file"
