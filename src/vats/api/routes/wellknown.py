"""`/.well-known/vats-keys.json`: the holder's public SM2 keys, without login.

Anyone handed a checkpoint or an inclusion proof checks it against these keys; retired keys stay
listed (with the time they were retired) so what they signed keeps verifying."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from vats.api.ratelimit import limited

router = APIRouter(tags=["keys"])


@router.get(
    "/.well-known/vats-keys.json",
    summary="Public signing keys (SM2, default signer ID)",
    dependencies=[limited("keys")],
)
def published_keys() -> dict[str, Any]:
    from vats.model.keyring import Keyring

    return Keyring().published()
