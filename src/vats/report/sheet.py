"""Spreadsheet outputs of onboarding: the error report of a sheet import and the portfolio export.

Both are written with openpyxl's write-only mode (rows streamed, memory flat) and every text cell
goes through `report.cells.xlsx_cell`, so a value such as `=HYPERLINK(…)` typed in the source sheet
stays text in the report. The export has the columns `vats licence import-sheet` reads, so exporting
and importing into an empty database gives the same portfolio.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.ingest.sheet import ERROR, FIELDS, Problem
from vats.ingest.sheet.shape import header_row, licence_row
from vats.model.licence import SHEET_ROW_MEDIA_TYPE
from vats.report.cells import xlsx_cell

SEVERITY_ZH = {"error": "错误（未导入）", "warning": "警告（已导入）"}
REPORT_HEADER = ["行", "列", "字段", "严重程度", "问题"]


def _workbook_bytes(title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def error_report_xlsx(problems: Iterable[Problem], *, truncated: bool = False) -> bytes:
    """One line per problem: row, column as headed in the sheet, field, severity, message."""

    def rows() -> Iterator[list[Any]]:
        for p in problems:
            label = f"{p.field} {FIELDS.get(p.field, '')}".strip() if p.field else "整行 / row"
            yield [p.row, p.column, label, SEVERITY_ZH.get(p.severity, p.severity), p.message]
        if truncated:
            yield [
                "…",
                "",
                "",
                "",
                "问题过多，仅列出前面部分 / more problems than listed; fix these and retry",
            ]

    return _workbook_bytes("问题", REPORT_HEADER, rows())


def count_errors(problems: Iterable[Problem]) -> int:
    return sum(1 for p in problems if p.severity == ERROR)


def portfolio_rows(session: Session) -> Iterator[list[str]]:
    """Every visible, non-archived licence as a sheet row (credit code from its organisation, owner
    from the sheet row it was imported from)."""
    from vats.store.licences import iter_domain_licences
    from vats.store.models import LicenceRecord, LicenceRevision, Organisation
    from vats.store.sheet import sheet_row

    codes = {
        number: uscc
        for number, uscc in session.execute(
            select(LicenceRecord.number, Organisation.uscc).join(
                Organisation, Organisation.id == LicenceRecord.organisation_id
            )
        )
    }
    owners: dict[str, str] = {}
    query = (
        select(LicenceRecord.number, LicenceRevision.content)
        .join(LicenceRevision, LicenceRevision.licence_id == LicenceRecord.id)
        .where(LicenceRevision.revision == 1, LicenceRevision.media_type == SHEET_ROW_MEDIA_TYPE)
    )
    for number, content in session.execute(query):
        owner = sheet_row(content).get("owner")
        if owner:
            owners[number] = str(owner)
    for chunk in iter_domain_licences(session):
        for licence in chunk:
            values = licence_row(licence, uscc=codes.get(licence.number), owner=owners.get(licence.number))
            yield list(values.values())


def export_sheet(session: Session, *, path: str | Path) -> int:
    """Write the portfolio sheet to `path` (all or nothing); returns the number of licences."""
    from vats.report.files import write_bytes

    count = 0

    def rows() -> Iterator[list[str]]:
        nonlocal count
        for row in portfolio_rows(session):
            count += 1
            yield row

    write_bytes(Path(path), _workbook_bytes("许可证", header_row(), rows()))
    return count
