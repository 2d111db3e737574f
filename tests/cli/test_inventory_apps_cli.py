"""`vats inventory apps`: APP filing numbers from a file or the store, findings with their sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inprocess_cli import run

INVENTORY = """\
items:
  - {kind: site, name: 商城, domain: shop.example.cn}
  - {kind: app, name: 优车APP, package_name: com.example.car, filing_number: 渝ICP备2021004067号-2A,
     stores: [华为应用市场]}
  - {kind: app, name: 无号APP, package_name: com.example.none}
"""


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def test_apps_from_file_and_from_store(
    inventory: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["inventory", "apps", "--inventory", str(inventory), "--format", "json"], capsys)
    assert code == 1  # a missing filing number is high
    [finding] = json.loads(out)
    assert finding["id"] == "app_filing.missing" and finding["subject"] == "com.example.none"
    assert finding["evidence"][0]["note"] == str(inventory) and finding["evidence"][0]["line"] == 5

    code, out, err = run(["inventory", "import", str(inventory), "--db", sqlite_url], capsys)
    assert code == 0, err
    code, out, _ = run(["inventory", "apps", "--db", sqlite_url, "--format", "json"], capsys)
    assert code == 1
    [stored] = json.loads(out)
    assert stored["id"] == "app_filing.missing" and stored["evidence"][0]["note"] == "inventory.yaml:5"
