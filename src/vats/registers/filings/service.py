"""Filings and their attachments. Submitting a filing emits its kind's event (`annual_report_filed`
with the year, `renewal_applied`, `not_continuing_reported`, `provincial_licence_cancelled`); a
change application is recorded on the change itself (`vats change file`), so here it emits nothing.

Attachments are stored in the database with their SM3 digest and a size cap (refused above it), so a
backup holds the evidence and an inspector can verify any copy against the digest.
"""

from __future__ import annotations

import mimetypes
import os
import unicodedata
from datetime import date
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from vats.model import clock
from vats.model.errors import ConflictError, InputError, NotFoundError, RefusedError
from vats.model.sm3 import sm3_hex
from vats.registers.base import (
    common_filters,
    get_or_raise,
    list_records,
    next_state,
    not_future,
    parse_input,
    resolve_licence,
    visible,
)
from vats.registers.corrections import Corrections
from vats.registers.events import Implied, sync_events
from vats.registers.filings import MACHINE
from vats.registers.filings.models import Attachment, Filing
from vats.registers.filings.schemas import FilingCreate, FilingFilters, FilingSubmit
from vats.registers.vocab import vocabulary
from vats.store.listing import ListResult, Page

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""Scanned application forms are a few MB; 20 MiB keeps the database (and backups) sane."""


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


def implied_events(filing: Filing) -> list[Implied]:
    """Once submitted, the event its kind's duty is waiting for (annual reports carry their year)."""
    done = vocabulary().term("filing_kinds", filing.kind, field="kind").done_event
    if filing.submitted_at is None or not done:
        return []
    return [Implied(done, filing.submitted_at, {"year": filing.year})]


CORRECTIONS = Corrections(schemas=(FilingCreate, FilingSubmit), implied=implied_events)


def add_filing(
    session: Session,
    *,
    licence: str,
    kind: str,
    title: str | None = None,
    year: int | None = None,
    note: str | None = None,
) -> Filing:
    """Start a filing in draft; one live annual report per licence and year."""
    data = parse_input(FilingCreate, dict(licence=licence, kind=kind, title=title, year=year, note=note))
    ref = resolve_licence(session, data.licence)
    term = vocabulary().term("filing_kinds", data.kind, field="kind")
    if data.year is not None:
        clash = session.scalar(
            select(Filing.id).where(
                Filing.licence == ref.number,
                Filing.kind == data.kind,
                Filing.year == data.year,
                Filing.status != "closed",
            )
        )
        if clash is not None:
            raise ConflictError(
                f"{data.year} 年度已有申报 {clash} / filing {clash} already covers {data.year}", field="year"
            )
    default_title = f"{term.zh} {data.year}" if data.year else term.zh
    filing = Filing(
        licence=ref.number,
        organisation_id=ref.organisation_id,
        status=MACHINE.initial,
        kind=data.kind,
        year=data.year,
        title=data.title or default_title,
        note=data.note,
    )
    session.add(filing)
    session.flush()
    return filing


def get_filing(session: Session, *, filing_id: int) -> Filing:
    return get_or_raise(session, Filing, filing_id)


def submit_filing(
    session: Session,
    *,
    filing_id: int,
    submitted_at: date,
    receipt_no: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Filing:
    """Record submission to the authority (emits the kind's event, if it has one)."""
    data = parse_input(FilingSubmit, dict(submitted_at=submitted_at, receipt_no=receipt_no))
    filing = get_filing(session, filing_id=filing_id)
    status = next_state(filing, MACHINE, "submit", expected_version=expected_version)
    not_future(data.submitted_at, field="submitted_at", today=today or clock.today())
    if filing.year is not None and data.submitted_at.year <= filing.year:
        raise InputError(
            f"{filing.year} 年度年报应在次年提交 / the {filing.year} report is filed in {filing.year + 1}",
            field="submitted_at",
        )
    filing.status = status
    filing.submitted_at = data.submitted_at
    filing.receipt_no = data.receipt_no
    sync_events(session, filing, implied_events)
    session.flush()
    return filing


def close_filing(session: Session, *, filing_id: int, expected_version: int | None = None) -> Filing:
    filing = get_filing(session, filing_id=filing_id)
    filing.status = next_state(filing, MACHINE, "close", expected_version=expected_version)
    session.flush()
    return filing


# Bidirectional overrides and isolates: "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


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
    filing = get_filing(session, filing_id=filing_id)
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
        created_by=str(session.info.get("actor", "system")),
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


def list_filings(
    session: Session, *, filters: FilingFilters | None = None, page: Page | None = None
) -> ListResult[Filing]:
    f = filters or FilingFilters()
    where = common_filters(Filing, licence=f.licence, status=f.status, open_only=f.open_only, machine=MACHINE)
    if f.kind:
        where.append(Filing.kind == f.kind)
    if f.year is not None:
        where.append(Filing.year == f.year)
    return list_records(session, Filing, where=where, page=page)
