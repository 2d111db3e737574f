"""Scanned licences kept with their originals: staged uploads, stored scan files, field confirmations.

A scan is not a licence until a person has checked what OCR read. The upload is therefore staged
(`ScanUpload`, with its files and page previews as `ScanFile` rows) under a random token, bound to
the uploader and the chosen organisation, and expires after `STAGE_TTL`. Confirming moves the files
onto the licence revision the confirmation created and records, per field, the original reading,
the final value and who confirmed it when (`ScanField`). Every row is audited; the bytes enter the
audit log as digests only.

All look-ups apply the session's organisation scope: a staged upload or a stored scan of another
organisation is "not found", exactly like a missing one.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, undefer

from vats.model.clock import now_utc
from vats.model.errors import NotFoundError
from vats.model.sm3 import sm3_hex
from vats.store.audit import Audited
from vats.store.base import Base
from vats.store.scope import scope_of

#: How long a staged upload waits for its confirmation.
STAGE_TTL = timedelta(hours=24)
ORIGINAL = "original"
PAGE = "page"


class ScanUpload(Audited, Base):
    """A scan read by OCR and waiting for a person to confirm it (nothing is a licence yet)."""

    __tablename__ = "scan_uploads"
    __audit_digest__: ClassVar[frozenset[str]] = frozenset({"reading"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, default=None
    )
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reading: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)


class ScanFile(Audited, Base):
    """One original file of a scan (as uploaded) or one page preview (JPEG) shown for review.

    Belongs to a staged upload until confirmed, then to the licence revision it produced."""

    __tablename__ = "scan_files"
    __audit_digest__: ClassVar[frozenset[str]] = frozenset({"content"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_uploads.id", ondelete="CASCADE"), index=True, default=None
    )
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("licence_revisions.id", ondelete="RESTRICT"), index=True, default=None
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    sm3: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ScanField(Audited, Base):
    """Who confirmed one field of a scanned licence: what OCR read, what was kept, by whom, when."""

    __tablename__ = "scan_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("licence_revisions.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True, default=None
    )
    field: Mapped[str] = mapped_column(String(100))
    original: Mapped[str] = mapped_column(Text, default="")
    final: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


@dataclass(frozen=True, slots=True)
class FileIn:
    """A file to keep with a scan: an original as uploaded, or a page preview."""

    kind: str
    position: int
    name: str
    media_type: str
    content: bytes
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """One field as confirmed: OCR's reading, the value kept, and how sure OCR was."""

    field: str
    original: str
    final: str
    confidence: float | None
    flagged: bool


def _visible(session: Session, column: Any) -> list[Any]:
    return scope_of(session).where(column)


def stage_upload(
    session: Session,
    *,
    reading: dict[str, Any],
    files: Sequence[FileIn],
    organisation_id: int | None,
    created_by: str,
    token: str | None = None,
) -> ScanUpload:
    """Keep a scan's reading and files until a person confirms them; expired stages are removed.

    `token` is the one promised before the reading (`new_token`: a background job names its review
    page up front, and a job run twice finds its stage by it), else a fresh one."""
    purge_expired(session)
    moment = now_utc()
    upload = ScanUpload(
        token=token or new_token(),
        organisation_id=organisation_id,
        created_by=created_by,
        created_at=moment,
        expires_at=moment + STAGE_TTL,
        reading=reading,
    )
    session.add(upload)
    session.flush()
    for f in files:
        session.add(_file_row(f, organisation_id, upload_id=upload.id))
    session.flush()
    return upload


def new_token() -> str:
    """An unguessable name for a staged upload (its review page's address)."""
    return secrets.token_urlsafe(24)


def _file_row(f: FileIn, organisation_id: int | None, **link: int) -> ScanFile:
    return ScanFile(
        organisation_id=organisation_id,
        kind=f.kind,
        position=f.position,
        name=f.name[:255],
        media_type=f.media_type,
        size=len(f.content),
        width=f.width,
        height=f.height,
        sm3=sm3_hex(f.content),
        content=f.content,
        **link,
    )


def purge_expired(session: Session) -> int:
    """Delete staged uploads past their expiry (their files go with them)."""
    expired = list(session.scalars(select(ScanUpload.id).where(ScanUpload.expires_at < now_utc())))
    if expired:
        for row in session.scalars(select(ScanFile).where(ScanFile.upload_id.in_(expired))):
            session.delete(row)
        for upload in session.scalars(select(ScanUpload).where(ScanUpload.id.in_(expired))):
            session.delete(upload)
        session.flush()
    return len(expired)


def staged_upload(session: Session, *, token: str, user: str) -> ScanUpload:
    """The caller's own staged upload (same user, visible organisation, not expired), else not found."""
    query = (
        select(ScanUpload)
        .options(undefer(ScanUpload.reading))
        .where(ScanUpload.token == token[:64], ScanUpload.created_by == user)
        .where(*_visible(session, ScanUpload.organisation_id))
    )
    upload = session.scalar(query)
    if upload is None or _aware(upload.expires_at) < now_utc():
        raise NotFoundError(
            "上传已过期或不存在，请重新上传 / the upload expired or does not exist", field="token"
        )
    return upload


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def upload_files(session: Session, upload: ScanUpload, *, kind: str) -> list[ScanFile]:
    """The staged upload's originals or page previews, in order, with their bytes."""
    return list(
        session.scalars(
            select(ScanFile)
            .options(undefer(ScanFile.content))
            .where(ScanFile.upload_id == upload.id, ScanFile.kind == kind)
            .order_by(ScanFile.position)
        )
    )


def attach_to_revision(
    session: Session,
    *,
    upload: ScanUpload,
    revision_id: int,
    organisation_id: int | None,
    decisions: Sequence[FieldDecision],
    confirmed_by: str,
) -> None:
    """Move the staged files onto the revision, record each field's decision, drop the stage."""
    moment = now_utc()
    for row in session.scalars(select(ScanFile).where(ScanFile.upload_id == upload.id)):
        row.upload_id = None
        row.revision_id = revision_id
        row.organisation_id = organisation_id
    for d in decisions:
        session.add(
            ScanField(
                revision_id=revision_id,
                organisation_id=organisation_id,
                field=d.field[:100],
                original=d.original,
                final=d.final,
                confidence=d.confidence,
                flagged=d.flagged,
                edited=d.original != d.final,
                confirmed_by=confirmed_by,
                confirmed_at=moment,
            )
        )
    session.flush()
    session.delete(upload)
    session.flush()


def attach_files(
    session: Session, *, revision_id: int, organisation_id: int | None, files: Sequence[FileIn]
) -> None:
    """Keep a scan's files with a revision imported without review (the CLI's `licence import`)."""
    for f in files:
        session.add(_file_row(f, organisation_id, revision_id=revision_id))
    session.flush()


def revision_document(originals: Sequence[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A scan revision's document: the one original file, or a manifest naming each file by SM3.

    The revision's SM3 is then that of the file or of the manifest, so the same scan imported again
    is recognised as unchanged."""
    if len(originals) == 1:
        return originals[0][1], originals[0][0]
    import json

    listed = [{"name": name, "sm3": sm3_hex(data), "bytes": len(data)} for name, data in originals]
    text = json.dumps({"scan_files": listed}, ensure_ascii=False, indent=1, sort_keys=True)
    return text.encode("utf-8"), ", ".join(name for name, _ in originals)[:500]


def import_scan(
    session: Session, *, licence: Any, files: Sequence[FileIn], organisation_id: int | None
) -> tuple[Any, bool]:
    """Store a scanned licence read without review, with its files; (record, whether it was new)."""
    from vats.store.licences import import_licence, revision

    originals = [(f.name, f.content) for f in files if f.kind == ORIGINAL]
    content, name = revision_document(originals)
    record = import_licence(
        session, data=content, licence=licence, source_name=name, organisation_id=organisation_id
    )
    stored = revision(session, f"{record.number}@{record.current_revision}")
    if revision_files(session, revision_id=stored.id):
        return record, False
    attach_files(session, revision_id=stored.id, organisation_id=record.organisation_id, files=files)
    return record, True


def scan_inputs(files: Sequence[tuple[bytes, str | None]], previews: Sequence[Any]) -> list[FileIn]:
    """The originals as given and the page previews of a scan reading, as files to keep."""
    from vats.ingest.sniff import media_type

    originals = [
        FileIn(ORIGINAL, index, name or f"page{index + 1}", media_type(data), data)
        for index, (data, name) in enumerate(files)
    ]
    pages = [
        FileIn(PAGE, p.number, p.source or f"page{p.number}", "image/jpeg", p.jpeg, p.width, p.height)
        for p in previews
    ]
    return [*originals, *pages]


def discard_upload(session: Session, upload: ScanUpload) -> None:
    """Drop a staged upload the officer cancelled."""
    session.execute(delete(ScanFile).where(ScanFile.upload_id == upload.id))
    session.delete(upload)
    session.flush()


def revision_files(session: Session, *, revision_id: int, kind: str | None = None) -> list[ScanFile]:
    """A revision's scan files (bytes deferred), originals first, in order."""
    query = select(ScanFile).where(ScanFile.revision_id == revision_id)
    if kind is not None:
        query = query.where(ScanFile.kind == kind)
    return list(session.scalars(query.order_by(ScanFile.kind.desc(), ScanFile.position)))


def revision_fields(session: Session, *, revision_id: int) -> list[ScanField]:
    """Who confirmed what on a revision read from a scan, in field order as confirmed."""
    return list(
        session.scalars(select(ScanField).where(ScanField.revision_id == revision_id).order_by(ScanField.id))
    )


def scan_file(session: Session, *, file_id: int) -> ScanFile:
    """One stored scan file with its bytes, within the caller's organisations; else not found."""
    query = (
        select(ScanFile)
        .options(undefer(ScanFile.content))
        .where(ScanFile.id == file_id, ScanFile.revision_id.is_not(None))
        .where(*_visible(session, ScanFile.organisation_id))
    )
    found = session.scalar(query)
    if found is None:
        raise NotFoundError("扫描件不存在 / no such scan file", field="file")
    return found


def staged_page(session: Session, upload: ScanUpload, *, position: int) -> ScanFile:
    """One page preview of a staged upload (the caller already holds the upload)."""
    found = session.scalar(
        select(ScanFile)
        .options(undefer(ScanFile.content))
        .where(ScanFile.upload_id == upload.id, ScanFile.kind == PAGE, ScanFile.position == position)
    )
    if found is None:
        raise NotFoundError("页面不存在 / no such page", field="page")
    return found
