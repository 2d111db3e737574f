"""What an audit entry's hash covers, in one place for the store and for offline verification.

An entry's `hash` = SM3(`prev_hash` ‖ canonical JSON of its content), where the content includes its
sequence number, time, actor, entity, action and before/after images. An auditor given one entry and
an inclusion proof recomputes this hash without a database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vats.model.sm3 import sm3_hash

GENESIS = "0" * 64
HASHED = ("actor", "entity", "entity_id", "action", "before", "after")


def utc_text(at: datetime | str) -> str:
    """The one textual form of a timestamp inside hashes (aware UTC, microseconds always shown)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:  # SQLite returns naive values; vats only ever stores UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_of(entry: Mapping[str, Any]) -> str:
    """Canonical JSON of everything a row asserts (the hashed part); `entry` has the column names."""
    return canonical({"seq": entry["id"], "at": utc_text(entry["at"]), **{key: entry[key] for key in HASHED}})


def chain_hash(prev_hash: str, content: str) -> str:
    return sm3_hash((prev_hash + content).encode("utf-8")).hex()


def entry_hash_of(entry: Mapping[str, Any]) -> str:
    """The hash an exported entry (with `prev_hash`) should carry."""
    return chain_hash(str(entry["prev_hash"]), content_of(entry))
