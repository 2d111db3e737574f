"""`vats org profile` and `vats licence first-issued` through the real CLI, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from store_cli import vats

NUMBER = "渝B2-20210467"


def test_org_profile_set_and_show(db_url: str, seed_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    org = json.loads(vats("org", "list", "--format", "json", "--db", db_url).stdout)[0]
    shown = vats(
        "org", "profile", str(org["id"]), "--set", "large_platform=true", "--format", "json", "--db", db_url
    )
    assert shown.returncode == 0, shown.stderr
    profile = json.loads(shown.stdout)["profile"]
    assert profile["large_platform"] is True and profile["important_data_processor"] is False
    text = vats("org", "profile", str(org["id"]), "--db", db_url).stdout
    assert "大型网络平台" in text and "large online platform" in text
    bad = vats("org", "profile", str(org["id"]), "--set", "nonsense=true", "--db", db_url)
    assert bad.returncode == 2 and "nonsense" in bad.stderr and "Traceback" not in bad.stderr


def test_first_issued_is_stored_shown_and_checked(db_url: str, seed_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    done = vats("licence", "first-issued", NUMBER, "2021-03-01", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "2021-03-01" in done.stdout
    shown = json.loads(vats("licence", "show", NUMBER, "--db", db_url).stdout)
    assert shown["first_issued"] == "2021-03-01"
    late = vats("licence", "first-issued", NUMBER, "2026-06-01", "--db", db_url)  # after the issue date
    assert late.returncode == 2 and "first_issued" in late.stderr
    missing = vats("licence", "first-issued", "京B2-20990001", "2021-03-01", "--db", db_url)
    assert missing.returncode == 2 or missing.returncode == 1
    assert "Traceback" not in missing.stderr
