"""The report as a workbook: read back with openpyxl, every obligation and finding a row, real dates."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from factories import NUMBER, make_reference
from vats.ingest.render import synthetic_licence
from vats.model.obligations import Event
from vats.report.compliance import build_report, render
from vats.report.compliance_xlsx import OVERDUE_FILL
from vats.rules.audit import audit_portfolio

AS_OF = date(2026, 11, 28)


def _workbook(licences: list, events: list[Event]):  # type: ignore[no-untyped-def]
    report = build_report(
        audit_portfolio(licences, events, as_of=AS_OF), as_of=AS_OF, generated_at=datetime.now(UTC)
    )
    return report, load_workbook(io.BytesIO(render(report, "xlsx")))


def test_sheets_hold_every_obligation_and_finding_with_real_dates() -> None:
    disposal = Event("illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, id="case:42")
    report, book = _workbook([make_reference(), synthetic_licence(4)], [disposal])
    assert book.sheetnames == ["概览 Summary", "义务 Obligations", "问题 Findings"]
    summary, obligations, findings = book.worksheets
    assert [row[0] for row in summary.iter_rows(min_row=2, values_only=True)] == [
        s.licence.number for s in report.sections
    ]
    expected = [o for s in report.sections for o in (*s.dated, *s.continuing)]
    rows = list(obligations.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected)
    assert [(r[0], r[12]) for r in rows] == [(o.licence, o.rule_id) for o in expected]
    disposal_row = next(r for r in rows if r[12] == "illegal_info.report")
    assert disposal_row[1].date() == date(2026, 10, 16)  # a date cell, not text
    assert obligations.cell(row=2, column=2).number_format == "yyyy-mm-dd"
    overdue_rows = [i for i, o in enumerate(expected, start=2) if o.status.value == "overdue"]
    assert overdue_rows and all(
        obligations.cell(row=i, column=1).fill.fgColor.rgb.endswith(OVERDUE_FILL) for i in overdue_rows
    )
    assert len(list(findings.iter_rows(min_row=2))) == sum(len(s.findings) for s in report.sections)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_a_licence_without_findings_still_gets_a_valid_workbook() -> None:
    _report, book = _workbook([], [])
    assert [sheet.max_row for sheet in book.worksheets] == [1, 1, 1]  # header rows only
