"""The SM3 digest (GB/T 32905): one home for the hash behind documents, attachments and the audit chain.

Kept apart from the audit hooks so the audit log and stored documents can hash without importing
each other.
"""

from __future__ import annotations


def sm3_hex(data: bytes) -> str:
    """SM3 digest (GB/T 32905) as lower-case hex: the hash every integrity feature of vats uses."""
    import hashlib

    h = hashlib.new("sm3")
    h.update(data)
    return h.hexdigest()
