"""The signed statement in a copy's QR code: valid, expired, revoked, not ours, altered — offline,
with nothing but the public keys (and old keys after rotation)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vats.model import copystatement as cs
from vats.model.errors import InputError
from vats.model.keyring import Keyring
from vats.model.merkle import sm3_hash

SOURCE = "许可证原件扫描".encode()
URL = "https://vats.example.cn/copies/verify"


@pytest.fixture
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "copy passphrase")
    monkeypatch.delenv("VATS_KEY_FILE", raising=False)
    return Keyring(tmp_path / "keys")


def _statement() -> cs.CopyStatement:
    return cs.CopyStatement(
        copy_id="C-2026-0007",
        licence="渝B2-20210467",
        recipient="华为应用市场",
        purpose="上架审核使用",
        issued=date(2026, 12, 3),
        expires=date(2027, 3, 31),
        digest=sm3_hash(SOURCE).hex(),
    )


def test_valid_until_expiry_then_expired(ring: Keyring) -> None:
    qr = cs.sign(_statement(), ring, verify_url=URL)
    assert qr.startswith(URL + "?s=VC1.") and len(qr) < 600
    keys = ring.public_keys()
    verdict = cs.verify(qr, keys, today=date(2027, 3, 31), content=SOURCE)
    assert verdict.state is cs.State.VALID and verdict.statement is not None
    assert verdict.statement.recipient == "华为应用市场" and "未核对撤销" in verdict.describe()
    assert cs.verify(qr, keys, today=date(2027, 4, 1)).state is cs.State.EXPIRED
    token = qr.split("?s=")[1]
    assert cs.verify(token, keys, today=date(2027, 1, 1), revoked=set()).describe().startswith("有效")


def test_revoked_altered_and_not_ours(ring: Keyring, tmp_path: Path) -> None:
    qr = cs.sign(_statement(), ring, verify_url=URL)
    keys = ring.public_keys()
    day = date(2027, 1, 1)
    assert cs.verify(qr, keys, today=day, revoked={"C-2026-0007"}).state is cs.State.REVOKED
    assert cs.verify(qr, keys, today=day, content=b"another scan").state is cs.State.ALTERED
    head, _payload, sig = qr.split("?s=")[1].split(".")
    other = cs.sign(_replace_recipient(), ring, verify_url=URL)
    forged_payload = other.split("?s=")[1].split(".")[1]
    spliced = f"{URL}?s={head}.{forged_payload}.{sig}"
    assert cs.verify(spliced, keys, today=day).state is cs.State.ALTERED
    mallory = Keyring(tmp_path / "mallory")
    assert (
        cs.verify(cs.sign(_statement(), mallory, verify_url=URL), keys, today=day).state is cs.State.NOT_OURS
    )
    assert cs.verify(f"{URL}?s=VC1.bm90IGpzb24.AAAA", keys, today=day).state is cs.State.ALTERED


def _replace_recipient() -> cs.CopyStatement:
    from dataclasses import replace

    return replace(_statement(), recipient="某电商平台")


def test_rotation_keeps_old_copies_verifying(ring: Keyring) -> None:
    old = cs.sign(_statement(), ring, verify_url=URL)
    ring.rotate()
    new = cs.sign(_statement(), ring, verify_url=URL)
    keys = ring.public_keys()
    assert {cs.verify(q, keys, today=date(2027, 1, 1)).state for q in (old, new)} == {cs.State.VALID}


def test_foreign_or_oversized_text_is_input_error(ring: Keyring) -> None:
    with pytest.raises(InputError, match="qr"):
        cs.verify("https://example.com/?s=nope", ring.public_keys(), today=date(2027, 1, 1))
    with pytest.raises(InputError, match="qr"):
        cs.verify("VC1." + "A" * 5000, ring.public_keys(), today=date(2027, 1, 1))
