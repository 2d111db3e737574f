"""`vats audit` end to end on the reference licence: parse, validate, exit codes, JSON and text output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

VATS = [sys.executable, "-m", "vats.cli.main"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VATS, *args], capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "160"}
    )


def test_reference_licence_as_of_2026_11_28_json(seed_path: Path) -> None:
    out = _run("audit", str(seed_path), "--as-of", "2026-11-28", "--format", "json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["licence"] == "渝B2-20210467" and report["as_of"] == "2026-11-28"
    assert report["passed"] is False
    findings = report["findings"]
    ids = [f["id"] for f in findings]
    assert ids[0] == "licence.expired" and findings[0]["severity"] == "critical"
    renewal = next(f for f in findings if f["id"] == "licence.renewal_deadline_passed")
    assert "2026-07-22" in renewal["message_en"]
    validity = next(f for f in findings if f["id"] == "licence.validity_unusual")
    assert validity["severity"] == "high" and "far shorter than 5 years" in validity["message_en"]
    facilities = [f for f in findings if f["id"] == "facility.outside_coverage"]
    assert len(facilities) == 5
    assert all("廊坊" in f["message_zh"] and "河北" in f["message_zh"] for f in facilities)
    assert all(f["sources"][0]["reliability"] == "licence" for f in facilities)
    assert report["summary"]["critical"] == 1 and report["summary"]["high"] >= 7
    ranks = ["critical", "high", "medium", "low", "info"]
    assert [ranks.index(f["severity"]) for f in findings] == sorted(
        ranks.index(f["severity"]) for f in findings
    )


def test_reference_licence_text_table(seed_path: Path) -> None:
    out = _run("audit", str(seed_path), "--as-of", "2026-11-28")
    assert out.returncode == 1, out.stderr
    for needle in ("licence.expired", "2026-07-22", "严重 / critical", "facility.outside_coverage", "廊坊"):
        assert needle in out.stdout


def test_before_the_renewal_window_nothing_gates(seed_path: Path) -> None:
    out = _run("audit", str(seed_path), "--as-of", "2026-06-01", "--format", "json")
    report = json.loads(out.stdout)
    gating = [f["id"] for f in report["findings"] if f["severity"] in ("critical", "high")]
    # the validity length and the servers outside Chongqing do not depend on the date
    assert set(gating) == {"licence.validity_unusual", "facility.outside_coverage"}
    assert out.returncode == 1


def test_clean_licence_exits_0(tmp_path: Path, seed_text: str) -> None:
    clean = (
        seed_text.replace("2026年05月20日", "2024年05月20日")
        .replace("2026年10月20日", "2029年05月20日")
        .replace("河北省廊坊市安次区云起道与富文道交叉口万国", "重庆市两江新区云计算中心")
    )
    path = tmp_path / "clean.txt"
    path.write_text(clean, encoding="utf-8")
    out = _run("audit", str(path), "--as-of", "2026-11-28", "--format", "json")
    report = json.loads(out.stdout)
    assert [f["severity"] for f in report["findings"] if f["severity"] in ("critical", "high")] == []
    assert out.returncode == 0 and report["passed"] is True


def test_unusable_input_exits_2(tmp_path: Path, seed_path: Path) -> None:
    missing = _run("audit", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "nope.txt" in missing.stderr and "Traceback" not in missing.stderr
    bad_date = _run("audit", str(seed_path), "--as-of", "2026-13-01")
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr


def test_recorded_events_clear_the_duties_they_satisfy(tmp_path: Path, seed_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {type: renewal_applied, date: 2026-07-01, licence: 渝B2-20210467}\n", encoding="utf-8"
    )
    without = json.loads(_run("audit", str(seed_path), "--as-of", "2026-11-28", "--format", "json").stdout)
    with_events = json.loads(
        _run(
            "audit", str(seed_path), "--as-of", "2026-11-28", "--events", str(events), "--format", "json"
        ).stdout
    )
    assert "licence.renewal_deadline_passed" in {f["id"] for f in without["findings"]}
    assert "licence.renewal_deadline_passed" not in {f["id"] for f in with_events["findings"]}

    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - {type: no_such_event, date: 2026-07-01}\n", encoding="utf-8")
    refused = _run("audit", str(seed_path), "--events", str(bad))
    assert refused.returncode == 2
    assert "bad.yaml" in refused.stderr


def test_audit_honours_settings_like_obligations(seed_path: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("numbers: {renewal_days_before: 120}\n", encoding="utf-8")
    out = _run(
        "audit", str(seed_path), "--as-of", "2026-06-01", "--format", "json", "--settings", str(settings)
    )
    assert out.returncode in (0, 1), out.stderr
    renewal = next(f for f in json.loads(out.stdout)["findings"] if f["id"].startswith("licence.renewal"))
    assert "2026-06-22" in renewal["message_en"]
