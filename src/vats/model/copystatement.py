"""The signed statement a purpose-bound licence copy carries in its QR code, and its verification.

A copy of a licence handed to an app store or a partner states, compactly: copy id, licence number,
recipient, purpose, issue and expiry dates, the SM3 digest of the content it was made from, and the
key that signed it. The statement travels inside the verification URL, so a phone opens the holder's
public page, and `vats copy verify` needs nothing but the text and the public keys:

    <verify URL>?s=VC1.<payload, base64url>.<SM2 signature, base64url>

The payload is compact JSON with one-letter keys (the QR stays small); the signature is SM2 with the
default signer ID over the payload bytes exactly as encoded, so nothing is re-serialised to verify.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from urllib.parse import parse_qs, urlsplit

from vats.model import keyring
from vats.model.errors import InputError

PREFIX = "VC1"
MAX_TEXT = 2048  # a QR code holds under 3 KB; anything longer is not ours


@dataclass(frozen=True, slots=True)
class CopyStatement:
    copy_id: str
    licence: str
    recipient: str
    purpose: str
    issued: date
    expires: date
    digest: str
    kid: str = ""

    def payload(self) -> bytes:
        return json.dumps(
            {
                "c": self.copy_id,
                "l": self.licence,
                "r": self.recipient,
                "p": self.purpose,
                "i": self.issued.isoformat(),
                "e": self.expires.isoformat(),
                "d": self.digest,
                "k": self.kid,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(statement: CopyStatement, ring: keyring.Keyring, *, verify_url: str) -> str:
    """The QR text: the verification URL carrying the signed statement."""
    signed = replace(statement, kid=ring.active_kid())
    payload = signed.payload()
    _kid, signature = ring.sign(payload)  # the active key: the one `active_kid` named
    return f"{verify_url}?s={PREFIX}.{_b64(payload)}.{_b64(signature)}"


class State(Enum):
    VALID = ("valid", "有效")
    EXPIRED = ("expired", "已过期")
    REVOKED = ("revoked", "已撤销")
    NOT_OURS = ("not_ours", "非本单位签发")
    ALTERED = ("altered", "已被篡改")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


@dataclass(frozen=True, slots=True)
class Verdict:
    state: State
    statement: CopyStatement | None = None
    reason: str = ""
    revocation_checked: bool = False

    def describe(self) -> str:
        head = f"{self.state.label} / {self.state.code}"
        if self.statement is not None:
            s = self.statement
            head += (
                f"：副本 {s.copy_id}，许可证 {s.licence}，仅供 {s.recipient} {s.purpose}，"
                f"{s.issued} 签发，{s.expires} 到期"
            )
        if self.reason:
            head += f"（{self.reason}）"
        if self.state is State.VALID and not self.revocation_checked:
            head += "；未核对撤销状态（离线）/ revocation not checked (offline)"
        return head


def token_of(text: str) -> str:
    """The `VC1.…` token from QR text that is either the token or a URL carrying it in `s`."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InputError(f"二维码内容过长（>{MAX_TEXT}）/ QR text too long", field="qr")
    if text.startswith(f"{PREFIX}."):
        return text
    values = parse_qs(urlsplit(text).query).get("s", [])
    if len(values) != 1 or not values[0].startswith(f"{PREFIX}."):
        raise InputError("不是 vats 副本二维码 / not a vats copy QR code", field="qr")
    return values[0]


def verify(
    text: str,
    keys: Sequence[keyring.PublicKey],
    *,
    today: date,
    revoked: Collection[str] | None = None,
    content: bytes | None = None,
) -> Verdict:
    """What a copy's QR text says about it: not ours / altered / revoked / expired / valid.

    `revoked` (copy ids) is known only with access to the register; None means unchecked.
    `content`, when given, must hash to the digest the statement was signed over."""
    parts = token_of(text).split(".")
    if len(parts) != 3:
        return Verdict(State.ALTERED, reason="malformed statement")
    try:
        payload, signature = _unb64(parts[1]), _unb64(parts[2])
        data = json.loads(payload)
        statement = CopyStatement(
            copy_id=str(data["c"]),
            licence=str(data["l"]),
            recipient=str(data["r"]),
            purpose=str(data["p"]),
            issued=date.fromisoformat(data["i"]),
            expires=date.fromisoformat(data["e"]),
            digest=str(data["d"]),
            kid=str(data["k"]),
        )
    except (ValueError, KeyError, TypeError):
        return Verdict(State.ALTERED, reason="statement cannot be read")
    key = keyring.find(keys, statement.kid)
    if key is None:
        return Verdict(State.NOT_OURS, statement, reason=f"key {statement.kid} is not one of ours")
    if not keyring.verify(key.public, payload, signature):
        return Verdict(State.ALTERED, statement, reason="signature does not verify")
    if content is not None:
        from vats.model.sm3 import sm3_hash

        if sm3_hash(content).hex() != statement.digest:
            return Verdict(State.ALTERED, statement, reason="content differs from the signed digest")
    checked = revoked is not None
    if revoked is not None and statement.copy_id in revoked:
        return Verdict(State.REVOKED, statement, revocation_checked=True)
    if today > statement.expires:
        return Verdict(State.EXPIRED, statement, revocation_checked=checked)
    return Verdict(State.VALID, statement, revocation_checked=checked)
