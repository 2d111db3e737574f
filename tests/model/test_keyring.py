"""Signing keys: made on first use, sealed at rest, rotated with old keys still verifying; signed
checkpoints verify only with our keys."""

from __future__ import annotations

import json
from pathlib import Path

import gmssl_pyx
import pytest

from vats.model import checkpoint, keyring
from vats.model.errors import InputError


@pytest.fixture
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> keyring.Keyring:
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "correct horse")
    monkeypatch.delenv("VATS_KEY_FILE", raising=False)
    return keyring.Keyring(tmp_path / "keys")


def test_first_signature_makes_a_sealed_key_with_the_default_id(ring: keyring.Keyring) -> None:
    kid, sig = ring.sign(b"hello")
    stored = json.loads(ring.path.read_text())
    (entry,) = stored["keys"]
    assert entry["kid"] == kid and "private" in entry and len(bytes.fromhex(entry["public"])) == 64
    assert "correct horse" not in ring.path.read_text()
    public = bytes.fromhex(entry["public"])
    assert gmssl_pyx.sm2_verify(public, b"hello", sig, signer_id=b"1234567812345678")
    assert not keyring.verify(public, b"hellO", sig)
    assert (ring.path.stat().st_mode & 0o077) == 0


def test_wrong_or_missing_passphrase_is_refused(
    ring: keyring.Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring.sign(b"x")
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "wrong")
    with pytest.raises(InputError, match="VATS_KEY_PASSPHRASE"):
        keyring.Keyring(ring.directory).sign(b"x")  # another process: nothing unsealed yet
    monkeypatch.delenv("VATS_KEY_PASSPHRASE")
    with pytest.raises(InputError, match="VATS_KEY_PASSPHRASE"):
        keyring.Keyring(ring.directory).sign(b"x")
    ring.sign(b"x")  # a process that unsealed the key keeps it in memory only


def test_key_file_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.key"
    secret.write_bytes(gmssl_pyx.rand_bytes(32))
    monkeypatch.delenv("VATS_KEY_PASSPHRASE", raising=False)
    monkeypatch.setenv("VATS_KEY_FILE", str(secret))
    ring = keyring.Keyring(tmp_path / "k")
    kid, sig = ring.sign(b"m")
    assert keyring.verify(keyring.find(ring.public_keys(), kid).public, b"m", sig)  # type: ignore[union-attr]


def test_rotation_keeps_old_keys_verifying(ring: keyring.Keyring) -> None:
    head = checkpoint.Checkpoint(10, b"\x01" * 32, "2026-12-03T00:00:00+00:00")
    old = checkpoint.sign(head, ring)
    new_key = ring.rotate()
    new = checkpoint.sign(head, ring)
    assert new.kid == new_key.kid != old.kid
    published = keyring.public_keys_from(json.loads(json.dumps(ring.published())))
    assert checkpoint.signature_problem(old, published) is None
    assert checkpoint.signature_problem(new, published) is None
    assert [k.retired is not None for k in published] == [True, False]


def test_checkpoint_signed_by_another_key_or_altered_is_rejected(
    ring: keyring.Keyring, tmp_path: Path
) -> None:
    ours = ring.public_keys() or (ring.sign(b"init") and ring.public_keys())
    mallory = keyring.Keyring(tmp_path / "mallory")
    forged = checkpoint.sign(checkpoint.Checkpoint(5, b"\x02" * 32, "t"), mallory)
    assert "not one of ours" in (checkpoint.signature_problem(forged, ours) or "")
    genuine = checkpoint.sign(checkpoint.Checkpoint(5, b"\x02" * 32, "t"), ring)
    raised = checkpoint.Checkpoint(6, genuine.root, genuine.time, genuine.kid, genuine.signature)
    assert "does not verify" in (checkpoint.signature_problem(raised, ours) or "")
    assert checkpoint.parse(genuine.as_json()) == genuine
    with pytest.raises(InputError, match="checkpoint"):
        checkpoint.parse({"format": "x"})
