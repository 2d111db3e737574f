"""The SM3 digest (GB/T 32905): the one hash behind documents, attachments, the audit chain and its
Merkle tree. gmssl-pyx's SM3 is used rather than OpenSSL's through hashlib because it is faster per
call, and the audit log hashes every entry on each verification."""

from __future__ import annotations

from collections.abc import Callable

import gmssl_pyx

sm3_hash: Callable[[bytes], bytes] = gmssl_pyx.sm3_hash


def sm3_hex(data: bytes) -> str:
    """SM3 digest as lower-case hex (how digests are stored and shown)."""
    return sm3_hash(data).hex()
