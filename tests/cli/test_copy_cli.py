"""`vats copy verify`: a copy's QR text checked offline with the published keys (exit 0/1/6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from store_cli import vats

from vats.model import copystatement as cs
from vats.model.keyring import Keyring


def test_verify_valid_expired_and_altered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VATS_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "pw")
    monkeypatch.setenv("VATS_AS_OF", "2027-01-10")
    statement = cs.CopyStatement(
        "C-1", "渝B2-20210467", "华为应用市场", "上架审核使用", date(2027, 1, 1), date(2027, 1, 31), "00"
    )
    qr = cs.sign(statement, Keyring(), verify_url="https://v.example.cn/copies/verify")
    published = tmp_path / "keys.json"
    published.write_text(vats("keys", "list", "--json").stdout)
    ok = vats("copy", "verify", qr, "--keys", str(published))
    assert ok.returncode == 0 and "有效" in ok.stdout and "华为应用市场" in ok.stdout, ok.stderr
    saved = tmp_path / "qr.txt"
    saved.write_text(qr)
    monkeypatch.setenv("VATS_AS_OF", "2027-02-01")
    late = vats("copy", "verify", str(saved), "--keys", str(published))
    assert late.returncode == 1 and "已过期" in late.stdout
    tampered = qr.replace(qr.split(".")[-1][:4], "AAAA")
    bad = vats("copy", "verify", tampered, "--keys", str(published))
    assert bad.returncode == 6 and "已被篡改" in bad.stdout
    foreign = vats("copy", "verify", "https://example.com/", "--keys", str(published))
    assert foreign.returncode == 2 and "qr" in foreign.stderr
