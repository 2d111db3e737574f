"""Files attached to a filing: stored in the database with their SM3 digest and a size cap (refused
above it), so a backup holds the evidence and an inspector can verify any copy against the digest.
Attaching is the filings register's one action beyond its spec's steps."""

from __future__ import annotations

import mimetypes
import os
import unicodedata
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from vats.model.errors import InputError, NotFoundError, RefusedError
from vats.model.sm3 import sm3_hex
from vats.registers.base import get_or_raise, next_state, visible
from vats.registers.filings.models import Attachment, Filing
from vats.registers.filings.spec import MACHINE
from vats.store.scope import scope_of

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""Scanned application forms are a few MB; 20 MiB keeps the database (and backups) sane."""


# Bidirectional overrides and isolates: "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def max_attachment_bytes() -> int:
    """The cap, from $VATS_ATTACHMENT_MAX_BYTES when set (operators may raise or lower it)."""
    raw = os.environ.get("VATS_ATTACHMENT_MAX_BYTES")
    if not raw:
        return DEFAULT_MAX_ATTACHMENT_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"not an integer: {raw!r}", field="VATS_ATTACHMENT_MAX_BYTES") from None
    if value < 1:
        raise InputError("must be positive / 必须为正数", field="VATS_ATTACHMENT_MAX_BYTES")
    return value


def _clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    if not base or base in (".", ".."):
        raise InputError("文件名无效 / invalid file name", field="filename")
    if any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in base):
        raise InputError(
            "文件名含控制字符或双向文本控制符 / file name contains control or bidi characters",
            field="filename",
        )
    if len(base) > 255:
        raise InputError("文件名过长 / file name longer than 255 characters", field="filename")
    return base


def attach_file(
    session: Session,
    *,
    filing_id: int,
    filename: str,
    content: bytes,
    media_type: str | None = None,
    expected_version: int | None = None,
) -> Attachment:
    """Store a file with a filing (until it is closed); refused above the size cap."""
    filing = get_or_raise(session, Filing, filing_id)
    next_state(filing, MACHINE, "attach", expected_version=expected_version)
    name = _clean_filename(filename)
    if not content:
        raise InputError("文件为空 / the file is empty", field="content")
    cap = max_attachment_bytes()
    if len(content) > cap:
        raise RefusedError(
            f"文件 {name} 为 {len(content)} 字节，超过上限 {cap} / {name} is {len(content)} bytes, over the "
            f"{cap}-byte cap (VATS_ATTACHMENT_MAX_BYTES)",
            field="content",
        )
    kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(
        filing_id=filing.id,
        filename=name,
        media_type=kind[:100],
        size=len(content),
        sm3=sm3_hex(content),
        content=content,
        created_by=scope_of(session).actor,
    )
    session.add(attachment)
    session.flush()
    session.refresh(filing, ["attachments"])
    return attachment


def get_attachment(session: Session, *, attachment_id: int) -> Attachment:
    """An attachment with its bytes loaded (they are deferred everywhere else)."""
    attachment = session.scalar(
        select(Attachment).where(Attachment.id == attachment_id).options(undefer(Attachment.content))
    )
    if attachment is None or not visible(session, attachment.filing.organisation_id):
        raise NotFoundError(f"附件 {attachment_id} 不存在 / attachment {attachment_id} not found", field="id")
    return attachment
