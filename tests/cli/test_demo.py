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


def test_a_second_demo_on_a_busy_port_stops_and_leaves_the_first_alone(tmp_path: Path) -> None:
    """Re-running `make demo` while one serves: exit 2 with a bilingual message, before the database
    (and so the running demo's password) is touched."""
    import socket

    db = tmp_path / "demo.db"
    assert _demo(db).returncode == 0
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        before = conn.execute(text("select password_hash from actors where name = 'demo'")).scalar_one()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "VATS_DEMO_PASSWORD": "another-password-2", "XDG_DATA_HOME": str(tmp_path / "x")}
        args = ["demo", "--db", f"sqlite:///{db}", "--port", str(port)]
        second = subprocess.run(
            [sys.executable, "-m", "vats.cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert second.returncode == 2
    assert f"端口 {port} 已被占用" in second.stderr and f"Port {port} is in use" in second.stderr
    assert "1. 审计" not in second.stdout  # stopped before doing anything
    with engine.connect() as conn:
        after = conn.execute(text("select password_hash from actors where name = 'demo'")).scalar_one()
    engine.dispose()
    assert after == before


def test_the_port_probe_sees_a_listening_socket() -> None:
    import socket

    from vats.cli.demo import port_free

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_free("127.0.0.1", port)
    assert port_free("127.0.0.1", port)
