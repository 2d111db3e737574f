"""Signed tree heads ("checkpoints") of the audit log, and inclusion proofs an auditor verifies offline.

A checkpoint states (size, root, time) of the log's Merkle tree and is SM2-signed by the holder's key.
Kept outside the database (a file, a webhook, the daily report), it later proves the log has only been
appended to since: a consistency proof from its size to today's must land on its root. The signed
bytes are a short text, one field a line, so any SM2 tool with the default ID can check them.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vats.model import keyring
from vats.model.errors import InputError
from vats.model.merkle import leaf_hash, verify_inclusion

FORMAT = "vats-checkpoint/1"
PROOF_FORMAT = "vats-inclusion/1"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    size: int
    root: bytes
    time: str
    kid: str = ""
    signature: bytes = b""

    def statement(self) -> bytes:
        return f"{FORMAT}\nsize {self.size}\nroot {self.root.hex()}\ntime {self.time}\n".encode()

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "size": self.size,
            "root": self.root.hex(),
            "time": self.time,
            "kid": self.kid,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }


def sign(head: Checkpoint, ring: keyring.Keyring) -> Checkpoint:
    kid, signature = ring.sign(head.statement())
    return Checkpoint(head.size, head.root, head.time, kid, signature)


def parse(document: Mapping[str, Any], *, field: str = "checkpoint") -> Checkpoint:
    """A checkpoint from its JSON form; malformed input is an InputError naming `field`."""
    try:
        if document.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        size = int(document["size"])
        root = bytes.fromhex(str(document["root"]))
        if size < 0 or len(root) != 32:
            raise ValueError("size or root out of range")
        signature = base64.b64decode(str(document["signature"]), validate=True)
        return Checkpoint(size, root, str(document["time"]), str(document["kid"]), signature)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"检查点格式错误 / malformed checkpoint: {exc}", field=field) from None


def signature_problem(cp: Checkpoint, keys: Sequence[keyring.PublicKey]) -> str | None:
    """None when one of `keys` signed `cp`; otherwise why not (unknown key or bad signature)."""
    key = keyring.find(keys, cp.kid)
    if key is None:
        return f"signed by key {cp.kid!r}, which is not one of ours"
    if not keyring.verify(key.public, cp.statement(), cp.signature):
        return f"signature does not verify with key {cp.kid}"
    return None


def inclusion_document(
    cp: Checkpoint, *, seq: int, entry_hash: str, proof: Sequence[bytes], entry: Mapping[str, Any]
) -> dict[str, Any]:
    """What `vats auditlog prove` hands an auditor: the entry, its path and the signed head."""
    return {
        "format": PROOF_FORMAT,
        "seq": seq,
        "entry_hash": entry_hash,
        "entry": dict(entry),
        "proof": [p.hex() for p in proof],
        "checkpoint": cp.as_json(),
    }


def check_inclusion(document: Mapping[str, Any], keys: Sequence[keyring.PublicKey]) -> str | None:
    """None when the proof holds: the signed head is ours and the entry's leaf is on its tree."""
    if document.get("format") != PROOF_FORMAT:
        raise InputError(f"不是包含证明 / not a {PROOF_FORMAT} document", field="proof")
    cp = parse(document.get("checkpoint") or {}, field="checkpoint")
    try:
        seq = int(document["seq"])
        entry_hash = bytes.fromhex(str(document["entry_hash"]))
        path = [bytes.fromhex(str(p)) for p in document["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"包含证明格式错误 / malformed proof: {exc}", field="proof") from None
    if (problem := signature_problem(cp, keys)) is not None:
        return problem
    if not verify_inclusion(leaf_hash(entry_hash), seq - 1, cp.size, path, cp.root):
        return f"entry #{seq} is not in the signed tree of {cp.size} entries"
    entry = document.get("entry")
    if isinstance(entry, Mapping) and entry:
        from vats.model.auditentry import entry_hash_of

        if entry_hash_of(entry) != entry_hash.hex():
            return f"entry #{seq}'s content does not match its hash"
    return None
