"""The issue's acceptance answers, on the reference licence as parsed by INGEST from the seed text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vats.model.licence import Licence
from vats.model.obligations import Event, ObligationStatus
from vats.rules.engine import evaluate
from vats.rules.library import coverage

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def parsed(seed_path: Path) -> Licence:
    from vats.ingest.document import read_licence

    return read_licence(seed_path)


def test_done_when_answers(parsed: Licence) -> None:
    disposed = Event("illegal_info_disposed", date(2026, 9, 28), licence=parsed.number, id="case-1")
    obs = {(o.rule_id, o.subject): o for o in evaluate([parsed], [disposed], AS_OF).obligations}
    renewal = obs[("licence.renewal", None)]
    assert (renewal.status, renewal.due_date) == (ObligationStatus.OVERDUE, date(2026, 7, 22))
    y2025 = obs[("licence.annual_report", "2025")]
    assert (y2025.window_start, y2025.due_date) == (date(2026, 1, 1), date(2026, 3, 31))
    assert y2025.status is ObligationStatus.OVERDUE and y2025.evidence_required == "annual_report_filed"
    assert any("2021" in line and "2026-05-20" in line for line in y2025.explanation)
    y2026 = obs[("licence.annual_report", "2026")]
    assert (y2026.window_start, y2026.due_date) == (date(2027, 1, 1), date(2027, 3, 31))
    assert y2026.conditional and "renewed" in y2026.conditional
    assert obs[("illegal_info.report", "case-1")].due_date == date(2026, 10, 16)
    assert ("retention.ecommerce_transactions", None) in obs
    assert {o.subject for (rid, _), o in obs.items() if rid == "licence.display_number"} == {
        "maichetong.com.cn",
        "autoengine.com",
        "dongchedi.com",
    }


def test_parsed_licence_fully_covered(parsed: Licence) -> None:
    rows = coverage(parsed.provisions)
    assert len(rows) == 36 and [r.label for r in rows if not r.mapped] == []
