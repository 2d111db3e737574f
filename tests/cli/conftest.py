"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from inprocess_cli import write_reference_json


@pytest.fixture
def licence_file(tmp_path: Path) -> Path:
    """The reference licence as `vats parse` JSON (a file the commands read without parsing a scan)."""
    return write_reference_json(tmp_path)
