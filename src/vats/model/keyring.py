"""The holder's SM2 signing keys: generated on first use, private keys encrypted at rest, rotation.

Keys live in one JSON file in the key directory (VATS_KEY_DIR), never in the database, so a copy of
the database alone can neither sign nor forge. Each private key is sealed with SM4-GCM under a key
derived from a secret the administrator supplies: a passphrase (VATS_KEY_PASSPHRASE, stretched with
scrypt) or a key file (VATS_KEY_FILE, whose SM3 digest is the key). Without either, no key is made.

Signatures are SM2 with SM3 over Z(ID, curve, public key) ‖ M with the standard default signer ID
1234567812345678 (GM/T 0009, GB/T 35276), ASN.1 DER encoded, so other SM2 implementations that use
the default ID verify them. Rotation retires the active key but keeps it in the file: its public key
goes on verifying what it signed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gmssl_pyx

from vats.model.clock import now_utc
from vats.model.errors import InputError

SIGNER_ID = b"1234567812345678"
ALG = "SM2-SM3"
KEYRING_FILE = "keys.json"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True, slots=True)
class PublicKey:
    kid: str
    public: bytes
    created: str
    retired: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "alg": ALG,
            "signer_id": SIGNER_ID.decode(),
            "public": self.public.hex(),
            "created": self.created,
            "retired": self.retired,
        }


def key_dir() -> Path:
    """VATS_KEY_DIR, else the per-user data directory."""
    configured = os.environ.get("VATS_KEY_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vats" / "keys"


def kid_of(public: bytes) -> str:
    """A key's identifier: the first 16 hex digits of SM3(public key)."""
    return hashlib.new("sm3", public).hexdigest()[:16]


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        return bool(gmssl_pyx.sm2_verify(public, message, signature, signer_id=SIGNER_ID))
    except (gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError, TypeError, ValueError):
        return False


def public_keys_from(document: Mapping[str, Any]) -> list[PublicKey]:
    """Public keys from a published key list (`/.well-known/vats-keys.json`) or a keyring file."""
    out: list[PublicKey] = []
    for entry in document.get("keys", []):
        try:
            public = bytes.fromhex(str(entry["public"]))
        except (KeyError, ValueError) as exc:
            raise InputError(f"公钥列表格式错误 / malformed key list: {exc}", field="keys") from None
        if kid_of(public) != entry.get("kid"):
            raise InputError("公钥与编号不符 / a key's id does not match its key", field="keys")
        out.append(PublicKey(entry["kid"], public, str(entry.get("created")), entry.get("retired")))
    return out


def find(keys: Sequence[PublicKey], kid: str) -> PublicKey | None:
    return next((k for k in keys if k.kid == kid), None)


class Keyring:
    """The key file of one installation. `sign` uses the active key, creating it on first use."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or key_dir()
        self.path = self.directory / KEYRING_FILE
        self._unsealed: dict[str, bytes] = {}  # kid → private key, once unsealed in this process

    # -- reading ---------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"keys": []}
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"密钥文件无法读取 / key file unreadable: {exc}", field="VATS_KEY_DIR") from None
        return data

    def public_keys(self) -> list[PublicKey]:
        return public_keys_from(self._load())

    def published(self) -> dict[str, Any]:
        """The document served at /.well-known/vats-keys.json (public halves only)."""
        return {"keys": [k.as_json() for k in self.public_keys()]}

    # -- signing ---------------------------------------------------------------------------------
    def sign(self, message: bytes) -> tuple[str, bytes]:
        """(key id, DER signature) with the active key; the first call generates the key."""
        data = self._load()
        active = next((k for k in reversed(data["keys"]) if not k.get("retired")), None)
        if active is None:
            active = self._generate(data)
        private = self._unseal(active)
        public = bytes.fromhex(active["public"])
        return active["kid"], gmssl_pyx.sm2_sign(private, public, message, signer_id=SIGNER_ID)

    def active_kid(self) -> str:
        """The id of the key `sign` will use (generating it on first use)."""
        data = self._load()
        active = next((k for k in reversed(data["keys"]) if not k.get("retired")), None)
        return str((active or self._generate(data))["kid"])

    def rotate(self) -> PublicKey:
        """Retire the active key (kept for verification) and make a new one."""
        data = self._load()
        now = _now()
        for entry in data["keys"]:
            if not entry.get("retired"):
                self._unseal(entry)  # only someone holding the secret may rotate
                entry["retired"] = now
        made = self._generate(data)
        return PublicKey(made["kid"], bytes.fromhex(made["public"]), made["created"])

    # -- sealing ---------------------------------------------------------------------------------
    def _generate(self, data: dict[str, Any]) -> dict[str, Any]:
        secret, kdf = _secret_key(salt := gmssl_pyx.rand_bytes(16))
        public, private = gmssl_pyx.sm2_key_generate()
        kid = kid_of(public)
        nonce = gmssl_pyx.rand_bytes(12)
        sealed, tag = gmssl_pyx.sm4_gcm_encrypt(secret, nonce, kid.encode(), private)
        entry = {
            "kid": kid,
            "alg": ALG,
            "public": public.hex(),
            "created": _now(),
            "retired": None,
            "private": {
                "cipher": "SM4-GCM",
                "kdf": kdf,
                "salt": _b64(salt),
                "nonce": _b64(nonce),
                "sealed": _b64(sealed),
                "tag": _b64(tag),
            },
        }
        data["keys"].append(entry)
        self._save(data)
        return entry

    def _unseal(self, entry: Mapping[str, Any]) -> bytes:
        """The private key of `entry`; stretching the passphrase costs tens of milliseconds by
        design, so a process unseals each key once."""
        cached = self._unsealed.get(entry["kid"])
        if cached is not None:
            return cached
        sealed = entry["private"]
        secret, kdf = _secret_key(base64.b64decode(sealed["salt"]), kdf=sealed["kdf"])
        try:
            private: bytes = gmssl_pyx.sm4_gcm_decrypt(
                secret,
                base64.b64decode(sealed["nonce"]),
                entry["kid"].encode(),
                base64.b64decode(sealed["sealed"]),
                base64.b64decode(sealed["tag"]),
            )
        except (gmssl_pyx.GmsslInnerError, gmssl_pyx.InvalidValueError):
            raise InputError(
                "私钥无法解密：口令或密钥文件不对 / "
                "cannot unseal the signing key: wrong passphrase or key file",
                field=_secret_field(kdf),
            ) from None
        self._unsealed[entry["kid"]] = private
        return private

    def _save(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        tmp.replace(self.path)


def _secret_key(salt: bytes, *, kdf: str | None = None) -> tuple[bytes, str]:
    """The 16-byte SM4 key sealing private keys, and which secret it came from."""
    key_file = os.environ.get("VATS_KEY_FILE")
    passphrase = os.environ.get("VATS_KEY_PASSPHRASE")
    if kdf is None:
        kdf = "keyfile-sm3" if key_file else "scrypt" if passphrase else None
    if kdf == "keyfile-sm3" and key_file:
        try:
            raw = Path(key_file).read_bytes()
        except OSError as exc:
            raise InputError(f"密钥文件无法读取 / {exc}", field="VATS_KEY_FILE") from None
        if len(raw) < 16:
            raise InputError("密钥文件太短（至少 16 字节）/ key file under 16 bytes", field="VATS_KEY_FILE")
        return hashlib.new("sm3", salt + raw).digest()[:16], kdf
    if kdf == "scrypt" and passphrase:
        return hashlib.scrypt(passphrase.encode(), salt=salt, dklen=16, **SCRYPT), kdf
    raise InputError(
        "未提供签名密钥的口令或密钥文件（VATS_KEY_PASSPHRASE 或 VATS_KEY_FILE）/ "
        "no passphrase or key file for the signing key (VATS_KEY_PASSPHRASE or VATS_KEY_FILE)",
        field=_secret_field(kdf),
    )


def _secret_field(kdf: str | None) -> str:
    return "VATS_KEY_FILE" if kdf == "keyfile-sm3" else "VATS_KEY_PASSPHRASE"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _now() -> str:
    return now_utc().isoformat(timespec="seconds")
