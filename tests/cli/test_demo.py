"""`vats demo` (the README's main job) runs end to end on the bundled examples and is re-runnable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


def _demo(db: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VATS_DEMO_PASSWORD": "demo-password-1",
        "COLUMNS": "200",
        "XDG_DATA_HOME": str(db.parent / "xdg"),  # where the demo writes its report
    }
    return subprocess.run(
        [sys.executable, "-m", "vats.cli.main", "demo", "--no-serve", "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_demo_audits_lists_obligations_and_imports(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = _demo(db)
    assert first.returncode == 0, first.stderr
    assert "渝B2-20220315" in first.stdout  # the audited example
    assert "逾期" in first.stdout  # overdue obligations are listed
    assert "4 licences" in first.stdout
    report = tmp_path / "xdg" / "vats" / "vats-report-2026-11-28.pdf"
    assert str(report) in first.stdout.replace("\n", "") and report.read_bytes().startswith(b"%PDF-")

    second = _demo(db)  # re-running reuses the database instead of duplicating it
    assert second.returncode == 0, second.stderr
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from licences")).scalar_one() == 4
        assert conn.execute(text("select count(*) from actors where name = 'demo'")).scalar_one() == 1
        assert conn.execute(text("select count(*) from inventory_items")).scalar_one() > 0
    engine.dispose()


def test_the_demo_falls_back_to_html_without_pango(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a machine without Pango the demo still writes its report, as HTML, and says why."""
    from datetime import date

    from vats.cli.demo import _write_report
    from vats.ingest.render import synthetic_licence

    day, licences = date(2026, 11, 28), [synthetic_licence(1)]
    assert _write_report(licences, [], day, tmp_path).suffix == ".pdf"
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import fails as it would without Pango
    written = _write_report(licences, [], day, tmp_path / "new")
    assert written.suffix == ".html" and written.read_bytes().startswith(b"<!DOCTYPE html>")
