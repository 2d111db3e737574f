"""`vats auditlog verify|list|archive`: exit 6 naming the first broken entry after raw SQL tampering."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from store_cli import vats

from vats.store.db import make_engine


def test_verify_list_and_tamper(db_url: str, seed_path: Path, tmp_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    ok = vats("auditlog", "verify", "--db", db_url)
    assert ok.returncode == 0 and "intact" in ok.stdout
    entries = json.loads(vats("auditlog", "list", "--json", "--limit", "2", "--db", db_url).stdout)
    assert len(entries) == 2 and entries[0]["seq"] > entries[1]["seq"]
    only = json.loads(vats("auditlog", "list", "--json", "--entity", "licences", "--db", db_url).stdout)
    assert [e["entity"] for e in only] == ["licences"]
    assert [(e["entity_zh"], e["action_zh"]) for e in only] == [("许可证", "新增")]
    text_out = vats("auditlog", "list", "--entity", "licences", "--db", db_url).stdout
    assert "新增 许可证 (licences:" in text_out
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    engine.dispose()
    broken = vats("auditlog", "verify", "--db", db_url)
    assert broken.returncode == 6 and "#2" in broken.stderr, broken.stderr
    refused = vats(
        "auditlog", "archive", "--before", "2099-01-01", "-o", str(tmp_path / "a.jsonl"), "--db", db_url
    )
    assert refused.returncode == 4 and "retention" in refused.stderr
