"""Scanned licences with a person's review: stage an upload, show it, confirm it into a licence.

The web pages and any other caller share these services. Uploads are bounded (file count, bytes
per file and together; pixels and pages are bounded by the reader) and read by OCR in a bounded
child process, in a background job (`submit_scan`, `vats.api.scanread`) so that no request waits for
it; nothing becomes a licence until `confirm_scan`, which stores the licence, its
original files and each field's decision in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from vats.api.deps import Principal
from vats.api.licences import default_organisation
from vats.api.settings import MAX_SCAN_BYTES, MAX_SCAN_FILES, MAX_UPLOAD
from vats.model.errors import InputError
from vats.model.licence import Licence

if TYPE_CHECKING:
    from fastapi import UploadFile


def check_scan_files(files: Sequence[tuple[bytes, str | None]]) -> None:
    """Refuse a scan upload that is empty, too many files, too many bytes, or not all scans."""
    from vats.ingest.document import needs_ocr

    if not files:
        raise InputError("请选择文件 / choose at least one file", field="document")
    if len(files) > MAX_SCAN_FILES:
        raise InputError(
            f"文件过多（最多 {MAX_SCAN_FILES} 个）/ more than {MAX_SCAN_FILES} files", field="document"
        )
    if sum(len(d) for d, _ in files) > MAX_SCAN_BYTES:
        raise InputError(
            f"文件合计过大（最多 {MAX_SCAN_BYTES // 1_048_576} MB）/ the files exceed "
            f"{MAX_SCAN_BYTES // 1_048_576} MB together",
            field="document",
        )
    for data, name in files:
        if not data:
            raise InputError("文件为空 / the file is empty", field="document", source=name)
        if len(data) > MAX_UPLOAD:
            raise InputError(
                f"文件过大（最多 {MAX_UPLOAD // 1_048_576} MB）/ larger than {MAX_UPLOAD // 1_048_576} MB",
                field="document",
                source=name,
            )
        if not needs_ocr(data, source_name=name):
            raise InputError(
                "不是扫描件或照片（文本、带文字层的 PDF 与 OFD 请单独上传）/ not a scan or photo: "
                "upload a text document, a PDF with text or an OFD on its own",
                field="document",
                source=name,
            )


def submit_scan(
    session: Session,
    actor: Principal,
    *,
    files: Sequence[tuple[bytes, str | None]],
    organisation_id: int | None,
) -> Any:
    """Queue the files to be read as one licence in the background; the job (`scan_read`).

    OCR takes seconds a page, so no request waits for it: the job reads the files in the bounded
    child process (`vats.api.scanread`), counts pages as it goes, and stages the reading under a token
    chosen here, which names the review page the job links to when it is done."""
    from vats.api import jobsubmit
    from vats.ingest.scan.isolated import pack_files
    from vats.store import background
    from vats.store.scans import new_token

    org = default_organisation(actor, organisation_id)
    check_scan_files(files)
    token = new_token()
    names = ", ".join(name or f"page{i}" for i, (_, name) in enumerate(files, 1))
    request = background.JobRequest(
        "scan_read",
        f"scan:{token}",
        actor.name,
        f"{names}（{len(files)} 个文件）",
        org,
        {"token": token},
        (names[:200], pack_files(files)),
    )
    return jobsubmit.submit(session, request)


async def read_uploads(documents: Sequence[UploadFile]) -> list[tuple[bytes, str | None]]:
    """The uploaded files of one scan, each read within the per-file limit (API and web alike)."""
    if len(documents) > MAX_SCAN_FILES:
        raise InputError(
            f"文件过多（最多 {MAX_SCAN_FILES} 个）/ more than {MAX_SCAN_FILES} files", field="document"
        )
    files: list[tuple[bytes, str | None]] = []
    for upload in documents:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise InputError(
                f"文件过大（最多 {MAX_UPLOAD // 1_048_576} MB）/ larger than {MAX_UPLOAD // 1_048_576} MB",
                field="document",
                source=upload.filename,
            )
        files.append((raw, upload.filename or f"page{len(files) + 1}"))
    return files


@dataclass(frozen=True, slots=True)
class ScanJob:
    """A scan's background reading as its uploader follows it: the job, and once the reading is
    staged for them, the staged upload (None before, and after it is confirmed or discarded)."""

    job: Any
    staged: Any | None


def scan_job(session: Session, actor: Principal, *, job_id: int) -> ScanJob:
    """The caller's view of a scan job (another organisation's, or another kind, is not found)."""
    from vats.model.errors import NotFoundError
    from vats.store import background
    from vats.store.scans import staged_upload

    job = background.get_job(session, job_id=job_id, principal=actor)
    if job.kind != "scan_read":
        raise NotFoundError("扫描识别任务不存在 / no such scan job", field="job_id")
    staged = None
    if job.state == background.DONE and job.actor == actor.name:
        try:
            staged = staged_upload(session, token=str(job.args["token"]), user=actor.name)
        except NotFoundError:
            staged = None
    return ScanJob(job, staged)


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field on the review screen: its reading, where it sits, and whether to look twice."""

    name: str
    value: str
    editable: bool
    confidence: float | None
    page: int | None
    box: tuple[int, int, int, int] | None
    flagged: bool
    corrected: bool
    under_seal: bool


@dataclass(frozen=True, slots=True)
class Review:
    """A staged scan as the review screen shows it."""

    upload: Any
    licence: Licence
    fields: tuple[FieldView, ...]
    pages: tuple[Any, ...]  # page previews (ScanFile rows without their bytes needed)
    originals: tuple[Any, ...]
    qr_codes: tuple[str, ...]


def review(session: Session, actor: Principal, *, token: str) -> Review:
    """The caller's staged scan with every field's reading (another user's is not found)."""
    from vats.ingest.scan.isolated import licence_of
    from vats.ingest.scan.review import EDITABLE, field_text
    from vats.store.scans import ORIGINAL, PAGE, staged_upload, upload_files

    upload = staged_upload(session, token=token, user=actor.name)
    actor.check_visible(upload.organisation_id, what="upload")
    licence = licence_of(upload.reading)
    readings: Mapping[str, Any] = upload.reading.get("fields", {})
    names = [*EDITABLE, *(n for n in readings if n not in EDITABLE)]
    views = []
    for name in names:
        seen = readings.get(name)
        value = field_text(licence, name)
        if seen is None and name not in EDITABLE:
            continue
        views.append(
            FieldView(
                name=name,
                value=value,
                editable=name in EDITABLE,
                confidence=seen["confidence"] if seen else None,
                page=seen["page"] if seen else None,
                box=tuple(seen["box"]) if seen else None,
                flagged=bool(seen["review"]) if seen else bool(value),
                corrected=bool(seen["corrected"]) if seen else False,
                under_seal=bool(seen["under_seal"]) if seen else False,
            )
        )
    return Review(
        upload,
        licence,
        tuple(views),
        tuple(upload_files(session, upload, kind=PAGE)),
        tuple(upload_files(session, upload, kind=ORIGINAL)),
        tuple(upload.reading.get("qr_codes", [])),
    )


def confirm_scan(session: Session, actor: Principal, *, token: str, values: Mapping[str, str]) -> Any:
    """Store the reviewed licence with its original files and who confirmed which field, at once."""
    from vats.ingest.scan.review import apply_edits, field_text
    from vats.store.licences import get_licence, import_licence, revision
    from vats.store.scans import (
        FieldDecision,
        attach_to_revision,
        discard_upload,
        revision_document,
        revision_files,
    )

    seen = review(session, actor, token=token)
    licence = apply_edits(seen.licence, values)
    existing = get_licence(session, number=licence.number, any_organisation=True)
    if existing is not None:
        actor.check_visible(existing.organisation_id, what="licence")
    org = seen.upload.organisation_id
    content, name = revision_document([(f.name, bytes(f.content)) for f in seen.originals])
    record = import_licence(session, data=content, licence=licence, source_name=name, organisation_id=org)
    stored = revision(session, f"{record.number}@{record.current_revision}")
    if revision_files(session, revision_id=stored.id):  # the same scan confirmed before
        discard_upload(session, seen.upload)
        return record
    decisions = [
        FieldDecision(f.name, f.value, field_text(licence, f.name), f.confidence, f.flagged)
        for f in seen.fields
    ]
    attach_to_revision(
        session,
        upload=seen.upload,
        revision_id=stored.id,
        organisation_id=record.organisation_id,
        decisions=decisions,
        confirmed_by=actor.name,
    )
    return record


def discard_scan(session: Session, actor: Principal, *, token: str) -> None:
    """Drop the caller's staged scan."""
    from vats.store.scans import discard_upload, staged_upload

    discard_upload(session, staged_upload(session, token=token, user=actor.name))
