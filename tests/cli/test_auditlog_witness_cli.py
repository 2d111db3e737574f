"""`vats auditlog verify|checkpoint|prove|verify-proof` and `vats keys`: row edits behind vats's back,
tail truncation and rewrites exit 6; inclusion proofs verify offline with the published keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from store_cli import vats

from vats.store.db import make_engine


@pytest.fixture(autouse=True)
def _keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VATS_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "s3cret passphrase")
    monkeypatch.delenv("VATS_KEY_FILE", raising=False)


def _sql(db_url: str, statement: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_row_edit_behind_vats_is_named(db_url: str, seed_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    ok = vats("auditlog", "verify", "--db", db_url)
    assert ok.returncode == 0, ok.stderr
    assert "every audited row matches" in ok.stdout
    _sql(db_url, "UPDATE organisations SET region = 'BJ'")
    broken = vats("auditlog", "verify", "--db", db_url)
    assert broken.returncode == 6 and "organisations #1 region" in broken.stderr, broken.stderr
    _sql(db_url, "UPDATE organisations SET region = 'CQ'")
    assert vats("auditlog", "verify", "--db", db_url).returncode == 0


def test_checkpoint_truncation_and_offline_proof(db_url: str, seed_path: Path, tmp_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    cp = tmp_path / "cp.json"
    made = vats("auditlog", "checkpoint", "-o", str(cp), "--db", db_url)
    assert made.returncode == 0, made.stderr
    size = json.loads(cp.read_text())["size"]
    assert size >= 2
    assert vats("auditlog", "checkpoint", "-o", str(cp), "--db", db_url).returncode == 4  # never overwrites
    ext = vats("auditlog", "verify", "--checkpoint", str(cp), "--db", db_url)
    assert ext.returncode == 0 and "append-only" in ext.stdout, ext.stderr

    proof = tmp_path / "proof.json"
    assert (
        vats("auditlog", "prove", "1", "-o", str(proof), "--checkpoint", str(cp), "--db", db_url).returncode
        == 0
    )
    published = tmp_path / "vats-keys.json"
    published.write_text(vats("keys", "list", "--json").stdout)
    good = vats("auditlog", "verify-proof", str(proof), "--keys", str(published))
    assert good.returncode == 0 and "#1" in good.stdout, good.stderr
    doc = json.loads(proof.read_text())
    doc["entry"]["actor"] = "mallory"
    proof.write_text(json.dumps(doc))
    bad = vats("auditlog", "verify-proof", str(proof), "--keys", str(published))
    assert bad.returncode == 6 and "does not match" in bad.stderr

    rotated = vats("keys", "rotate")
    assert rotated.returncode == 0
    assert vats("auditlog", "verify", "--checkpoint", str(cp), "--db", db_url).returncode == 0

    _sql(db_url, f"DELETE FROM audit_log WHERE id = {size}")  # tail truncation
    cut = vats("auditlog", "verify", "--checkpoint", str(cp), "--db", db_url)
    assert cut.returncode == 6 and "truncated" in cut.stderr, cut.stderr


def test_bad_checkpoint_file_is_exit_2_naming_the_option(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = vats("auditlog", "verify", "--checkpoint", str(bad), "--db", sqlite_url)
    assert result.returncode == 2 and "--checkpoint" in result.stderr
