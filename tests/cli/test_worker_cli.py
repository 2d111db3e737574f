"""`vats worker` refuses what it cannot run: SQLite, unknown queues, an unmigrated database (exit 2/…)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _worker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vats.cli.main", "worker", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sqlite_is_refused_naming_the_field(tmp_path: Path) -> None:
    out = _worker("--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert out.returncode == 2
    assert "--db" in out.stderr and "PostgreSQL" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.postgres
def test_unknown_queue_and_unmigrated_database(pg_url: str) -> None:
    unknown = _worker("--db", pg_url, "--queues", "nightly")
    assert unknown.returncode == 2 and "--queues" in unknown.stderr and "nightly" in unknown.stderr
    empty = _worker("--db", pg_url)
    assert empty.returncode != 0 and "vats db upgrade" in empty.stderr and "Traceback" not in empty.stderr
