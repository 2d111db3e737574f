"""`vats copy verify`: a copy's QR text checked offline with the published keys (exit 0/1/6)."""

from __future__ import annotations

import json
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


def test_issue_verify_from_the_pdf_and_png_then_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_path: Path
) -> None:
    monkeypatch.setenv("VATS_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "pw")
    monkeypatch.setenv("VATS_AS_OF", "2026-03-01")
    monkeypatch.setenv("VATS_DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    assert vats("licence", "import", str(seed_path)).returncode == 0
    out = tmp_path / "copy.pdf"
    issued = vats(
        "copy", "issue", "渝B2-20210467", "--recipient", "华为应用市场", "--purpose", "上架审核使用",
        "--until", "2026-09-30", "-o", str(out), "--png", "--json",
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    copy_id = json.loads(issued.stdout)["copy_id"]
    pngs = sorted(tmp_path.glob("copy*.png"))
    assert out.read_bytes().startswith(b"%PDF") and pngs
    from_pdf = vats("copy", "verify", str(out), "--content", str(seed_path))
    assert from_pdf.returncode == 0 and copy_id in from_pdf.stdout, from_pdf.stderr
    assert vats("copy", "verify", str(pngs[0])).returncode == 0
    listed = vats("copy", "list", "--recipient", "华为应用市场")
    assert copy_id in listed.stdout and "有效" in listed.stdout
    assert vats("copy", "revoke", copy_id, "--reason", "合作结束").returncode == 0
    offline = vats("copy", "verify", str(out))
    assert offline.returncode == 0 and "未核对撤销状态" in offline.stdout  # offline cannot know
    online = vats("copy", "verify", str(out), "--register")
    assert online.returncode == 1 and "已撤销" in online.stdout
    late = vats(
        "copy", "issue", "渝B2-20210467", "--recipient", "x", "--purpose", "y", "--until", "2027-01-01"
    )
    assert late.returncode == 2 and "until" in late.stderr
    empty = vats(
        "copy", "issue", "渝B2-20210467", "--recipient", " ", "--purpose", "y", "--until", "2026-09-30"
    )
    assert empty.returncode == 2 and "recipient" in empty.stderr
    assert vats("copy", "revoke", "VC-NONE-NONE").returncode == 2
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("RGB", (50, 50), "white").save(blank)
    no_qr = vats("copy", "verify", str(blank))
    assert no_qr.returncode == 2 and "qr" in no_qr.stderr
