"""/api/v1/scans: upload a scanned or photographed licence to be read in the background, and follow
it. The upload answers at once (202) with the job; OCR runs in a job (`vats.api.scans`), so no
request is held open for it. When the reading is staged, the uploader sees what was read and the
web page where a person checks and confirms it: nothing is a licence before that confirmation."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel

from vats.api.deps import DbSession, RecordId, Writer
from vats.api.scanread import review_href
from vats.api.scans import ScanJob, read_uploads, scan_job, submit_scan
from vats.store import background

router = APIRouter(prefix="/scans", tags=["scans"])


class ScanJobOut(BaseModel):
    job_id: int
    state: str  # queued, running, done, failed
    state_zh: str
    pages_read: int
    pages: int  # 0 until the reader has counted the pages
    error: str | None
    #: the web page where the uploader checks and confirms the reading (while it is staged)
    review_url: str | None
    #: the licence as read, and each field's confidence and place (while it is staged)
    licence: dict[str, Any] | None
    fields: dict[str, Any] | None


def _out(found: ScanJob) -> ScanJobOut:
    job, staged = found.job, found.staged
    read: dict[str, Any] = {"review_url": None, "licence": None, "fields": None}
    if staged is not None:  # the uploader's reading, until it is confirmed or discarded
        read = {
            "review_url": review_href(staged.token),
            "licence": staged.reading["licence"],
            "fields": staged.reading.get("fields", {}),
        }
    label = background.STATE_LABELS.get(job.state, job.state)
    return ScanJobOut(
        job_id=job.id,
        state=job.state,
        state_zh=label,
        pages_read=job.done,
        pages=job.total,
        error=job.error,
        **read,
    )


@router.post("", status_code=202, summary="Read a scanned licence (one or more page files) in the background")
async def submit(
    response: Response,
    session: DbSession,
    actor: Writer,
    document: Annotated[list[UploadFile], File(description="page images or scanned PDFs of one licence")],
    organisation_id: Annotated[int | None, Form()] = None,
) -> ScanJobOut:
    files = await read_uploads(document)
    job = submit_scan(session, actor, files=files, organisation_id=organisation_id)
    response.headers["Location"] = f"/api/v1/scans/{quote(str(job.id))}"
    return _out(ScanJob(job, None))


@router.get("/{job_id}", summary="How far a scan's reading has got, and what it read once done")
def follow(job_id: RecordId, session: DbSession, actor: Writer) -> ScanJobOut:
    return _out(scan_job(session, actor, job_id=job_id))
