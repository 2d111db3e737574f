"""`vats rules list|show|coverage`."""

from __future__ import annotations

import json

import pytest
from inprocess_cli import run


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "list", "-f", "json"], capsys)
    ids = [r["id"] for r in json.loads(out)]
    assert code == 0 and "licence.renewal" in ids and "illegal_info.report" in ids


def test_list_text_keeps_reliability_marks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "list"], capsys)
    assert code == 0 and "[practice]" in out and "UNCONFIRMED" in out


def test_show_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "show", "complaint.reply"], capsys)
    assert code == 0 and "15 days after" in out and "complaint_reply_days" in out and "UNCONFIRMED" in out


def test_show_a_control_with_its_review_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "show", "retention.network_logs"], capsys)
    assert code == 0
    assert "复核周期 / Attest every: 6 months (configurable: numbers.attest_network_logs_months)" in out


def test_show_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["rules", "show", "nope"], capsys)
    assert code == 2 and "nope" in err


def test_coverage_standard_map(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "coverage", "-f", "json"], capsys)
    rows = json.loads(out)
    assert code == 0 and all(r["mapped"] for r in rows)
    assert {"article": 14, "item": None}.items() <= rows[13].items() and rows[13]["rules"] == [
        "licence.annual_report"
    ]
