"""`vats obligations` on licence files (JSON from `vats parse`) with an events file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inprocess_cli import run


def test_json_output_sorted_overdue_first(
    licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {type: illegal_info_disposed, date: 2026-09-28, subject: 'case:42'}\n", encoding="utf-8"
    )
    code, out, _ = run(
        [
            "obligations",
            str(licence_file),
            "--events",
            str(events),
            "--as-of",
            "2026-11-28",
            "--format",
            "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2026-11-28"
    rows = data["obligations"]
    overdue = [r for r in rows if r["status"] == "overdue"]
    assert rows[: len(overdue)] == overdue
    assert [r["due_date"] for r in overdue] == sorted(r["due_date"] for r in overdue)
    by_rule = {(r["rule_id"], r["subject"]): r for r in rows}
    assert by_rule[("licence.renewal", None)]["due_date"] == "2026-07-22"
    assert by_rule[("illegal_info.report", "case:42")]["due_date"] == "2026-10-16"
    assert any(f["severity"] == "high" for f in data["findings"])


def test_text_table(licence_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["obligations", str(licence_file), "--as-of", "2026-11-28", "--dated-only", "--explain"], capsys
    )
    assert code == 0 and "2026-07-22" in out and "已逾期" in out and "art. 201" in out


def test_fail_on_overdue(licence_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["obligations", str(licence_file), "--as-of", "2026-11-28", "--fail-on-overdue"], capsys)[0] == 1
    )


def test_bad_events_file_exit_2(
    licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text("events:\n  - {type: illegal_info_disposed, date: 2026-13-01}\n", encoding="utf-8")
    code, out, err = run(["obligations", str(licence_file), "--events", str(events)], capsys)
    assert code == 2 and f"{events}:2: events.0.date" in err and out == ""


def test_missing_licence_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["obligations", str(tmp_path / "nope.txt")], capsys)
    assert code == 2 and "nope.txt" in err


def test_settings_override(licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("numbers: {renewal_days_before: 120}\n", encoding="utf-8")
    code, out, _ = run(
        [
            "obligations",
            str(licence_file),
            "--as-of",
            "2026-11-28",
            "-f",
            "json",
            "--settings",
            str(settings),
        ],
        capsys,
    )
    renewal = next(r for r in json.loads(out)["obligations"] if r["rule_id"] == "licence.renewal")
    assert code == 0 and renewal["due_date"] == "2026-06-22"
    settings.write_text("numbers: {renewal_dayz: 120}\n", encoding="utf-8")
    code, _, err = run(["obligations", str(licence_file), "--settings", str(settings)], capsys)
    assert code == 2 and "renewal_dayz" in err and "settings.yaml:1" in err


def test_reads_licence_document(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["obligations", str(seed_path), "--as-of", "2026-11-28", "-f", "json"], capsys)
    renewal = next(r for r in json.loads(out)["obligations"] if r["rule_id"] == "licence.renewal")
    assert code == 0 and renewal["licence"] == "渝B2-20210467" and renewal["status"] == "overdue"


def test_coverage_of_licence_document(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "coverage", str(seed_path)], capsys)
    assert code == 0 and "36/36" in out


def test_hour_deadline_shown_to_the_minute(
    licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "- type: incident_occurred\n"
        "  date: 2026-11-20\n"
        "  subject: 'incident:1'\n"
        "  fields: {discovered_at: '2026-11-20T09:15'}\n",
        encoding="utf-8",
    )
    settings = tmp_path / "settings.yaml"
    settings.write_text("numbers: {incident_report_hours: 2}\n", encoding="utf-8")
    args = ["obligations", str(licence_file), "--events", str(events), "--as-of", "2026-11-20"]
    code, out, _ = run([*args, "--settings", str(settings)], capsys)
    assert code in (0, 1) and "2026-11-20 11:15 北京时间" in out
    code, out, _ = run([*args, "--settings", str(settings), "--format", "json"], capsys)
    report = next(o for o in json.loads(out)["obligations"] if o["rule_id"] == "incident.report")
    assert report["due_at"].startswith("2026-11-20T11:15")


def test_controls_get_their_own_table(
    licence_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {type: control_attested, date: 2026-03-02, fields: {rule: security.staff_filing}}\n"
        "- {type: control_attested, date: 2025-04-01, fields: {rule: retention.network_logs}}\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        ["obligations", str(licence_file), "--events", str(events), "--as-of", "2026-11-28"], capsys
    )
    assert code == 0
    main, controls = out.split("控制项 / Controls", 1)
    assert "网络与信息安全人员和机构并报备" not in main  # the dated table holds no standing duties
    lines = controls.splitlines()
    staff = next(i for i, line in enumerate(lines) if "网络与信息安全人员和机构" in line)
    assert "证据有效" in lines[staff] and "2026-03-02" in lines[staff] and "2027-03-02" in lines[staff]
    logs = next(i for i, line in enumerate(lines) if "网络日志留存" in line)
    assert "复核已过期" in lines[logs] and "2025-10-01" in lines[logs]
    assert "应立即复核" in controls and "立即 now" in controls
    assert "控制项" in controls and "待复核" in controls
