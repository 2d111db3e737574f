"""`vats db upgrade|current` and `vats org add|list`."""

from __future__ import annotations

import json

from store_cli import vats


def test_upgrade_then_current(db_url: str) -> None:
    before = vats("db", "current", "--db", db_url)
    assert before.returncode == 0 and "pending" in before.stdout
    up = vats("db", "upgrade", "--db", db_url)
    assert up.returncode == 0, up.stderr
    after = vats("db", "current", "--db", db_url)
    assert "up to date" in after.stdout


def test_env_url_and_unreachable_server(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {**os.environ, "VATS_DATABASE_URL": sqlite_url}
    proc = subprocess.run(
        [sys.executable, "-m", "vats.cli.main", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and (tmp_path / "vats.db").exists()
    down = vats("db", "current", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert down.returncode == 5 and "unavailable" in down.stderr and "Traceback" not in down.stderr


def test_org_add_validates_credit_code(sqlite_url: str) -> None:
    bad = vats("org", "add", "甲公司", "--uscc", "91350100M000100Y44", "--db", sqlite_url)
    assert bad.returncode == 2 and "uscc" in bad.stderr and "check character" in bad.stderr
    ok = vats("org", "add", "甲公司", "--uscc", "91350100M000100Y43", "--region", "FJ", "--db", sqlite_url)
    assert ok.returncode == 0, ok.stderr
    dup = vats("org", "add", "甲公司", "--db", sqlite_url)
    assert dup.returncode == 3
    listed = json.loads(vats("org", "list", "--format", "json", "--db", sqlite_url).stdout)
    assert listed == [{"id": 1, "name": "甲公司", "uscc": "91350100M000100Y43", "region": "FJ"}]


def test_reading_an_uninitialised_database_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (("status",), ("auditlog", "verify"), ("export", "-o", str(tmp_path / "x.json"))):
        result = vats(*args, "--db", url)
        assert result.returncode == 5 and "vats db upgrade" in result.stderr, (args, result.stderr)
