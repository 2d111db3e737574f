"""Run the real `vats` CLI in a subprocess (shared by the store CLI tests)."""

from __future__ import annotations

import subprocess
import sys


def vats(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vats.cli.main", *args],
        capture_output=True,
        timeout=120,
        check=False,
        text=True,
    )
