"""Every bundled holiday year names where its dates come from, with an honest reliability."""

from __future__ import annotations

from pathlib import Path

import yaml

CALENDAR = Path(__file__).resolve().parents[2] / "src" / "vats" / "reference" / "calendar"
IN_FACT_SHEET = {2025, 2026}  # regulations.md §7


def test_each_year_has_sources_and_years_outside_the_fact_sheet_are_unconfirmed() -> None:
    files = sorted(CALENDAR.glob("*.yaml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("sources"), path.name
        if data["year"] not in IN_FACT_SHEET:
            assert data["reliability"] == "unconfirmed", path.name
