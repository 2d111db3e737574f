"""`vats inventory`: import, list and reconcile, with and without a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LANGFANG = "河北省廊坊市安次区云起道与富文道交叉口万国6号数据中心"
INVENTORY = f"""\
items:
  - kind: site
    name: 卖车通
    domain: maichetong.com.cn
    features: [marketplace, vehicle_listings]
    server_location: {LANGFANG}
    access_provider: 北京火山引擎科技有限公司
  - kind: site
    name: 懂车帝网站
    domain: dongchedi.com
    features: [dealer chat, site search]
    server_location: {LANGFANG}
  - kind: site
    name: 巨懂车
    domain: autoengine.com
  - kind: app
    name: 巨懂车
    domain: autoengine.com
  - kind: app
    name: 懂车帝
    domain: dcarapi.com
"""


def vats(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VATS_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "vats.cli.main", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def test_reconcile_files_without_database_flags_dealer_chat(seed_path: Path, inventory: Path) -> None:
    out = vats(
        "inventory",
        "reconcile",
        "--licence",
        str(seed_path),
        "--inventory",
        str(inventory),
        "--format",
        "json",
    )
    assert out.returncode == 1, out.stderr
    findings = json.loads(out.stdout)
    high = [f for f in findings if f["severity"] == "high"]
    assert [(f["id"], f["subject"]) for f in high] == [("scope.feature_excluded", "dongchedi.com")]
    assert "信息即时交互服务" in high[0]["message_zh"]
    assert {"scope.feature_not_excluded", "inventory.server_outside_coverage"} <= {f["id"] for f in findings}


def test_import_list_reconcile_from_store(seed_path: Path, inventory: Path, db_url: str) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    out = vats("inventory", "import", str(inventory), "--org", "万象优车", "--db", db_url)
    assert out.returncode == 0, out.stderr
    assert "5 added" in out.stdout

    listed = json.loads(vats("inventory", "list", "--db", db_url, "--format", "json").stdout)
    assert [(i["kind"], i["domain"]) for i in listed][:2] == [
        ("app", "autoengine.com"),
        ("app", "dcarapi.com"),
    ]
    assert all(i["organisation"] == "万象优车" for i in listed)

    rec = vats("inventory", "reconcile", "--licence", "渝B2-20210467", "--db", db_url, "--format", "json")
    assert rec.returncode == 1, rec.stderr
    assert any(f["id"] == "scope.feature_excluded" for f in json.loads(rec.stdout))

    # re-import a smaller declaration: the file is the declaration, so the missing entry is removed
    inventory.write_text(INVENTORY.split("  - kind: app\n    name: 懂车帝")[0], encoding="utf-8")
    again = vats("inventory", "import", str(inventory), "--org", "万象优车", "--db", db_url)
    assert "1 removed" in again.stdout and "4 unchanged" in again.stdout
    rec = vats("inventory", "reconcile", "--licence", "渝B2-20210467", "--db", db_url, "--format", "json")
    undeclared = [
        f["subject"] for f in json.loads(rec.stdout) if f["id"] == "inventory.licence_site_not_declared"
    ]
    assert undeclared == ["dcarapi.com"]


def test_bad_inventory_names_file_line_field_and_writes_nothing(inventory: Path, sqlite_url: str) -> None:
    inventory.write_text(
        INVENTORY.replace("[dealer chat, site search]", "[dealer chat, teleportation]"), "utf-8"
    )
    out = vats("inventory", "import", str(inventory), "--db", sqlite_url)
    assert out.returncode == 2
    assert f"{inventory}:11: features:" in out.stderr and "teleportation" in out.stderr
    assert "Traceback" not in out.stderr
    listed = vats("inventory", "list", "--db", sqlite_url, "--format", "json")
    assert json.loads(listed.stdout) == []


def test_unknown_stored_licence(inventory: Path, sqlite_url: str) -> None:
    out = vats(
        "inventory",
        "reconcile",
        "--licence",
        "京B2-20990001",
        "--inventory",
        str(inventory),
        "--db",
        sqlite_url,
    )
    assert out.returncode == 2 and "京B2-20990001" in out.stderr
