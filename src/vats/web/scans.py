"""/licences/review: check a scanned licence field by field before it is saved, and its stored scan.

An upload of scan pages or photos (one or several files, one licence) is read by OCR in a bounded
child process, as a background job whose page shows the pages read, and staged; the review page
shows each page with a box over every field and the value beside it, low-confidence and corrected
readings marked. Confirming stores the licence with its original files and each field's decision
(`vats.api.scans`); the licence page then shows the scan and offers the originals for download,
within the caller's organisations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from vats.api.deps import DbSession, Principal
from vats.model.errors import InputError
from vats.web.auth import WebUser, WebWriter
from vats.web.i18n import translations
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)
_PATH = re.compile(r"(services|sites|provisions)\[(\d+)\](.*)")


def field_labels(request: Request) -> dict[str, str]:
    """The label of each field a review shows (sub-fields are labelled by their parent); the main
    fields' Chinese labels are the review's own (`vats.ingest.scan.review.LABELS`)."""
    from vats.ingest.scan.review import LABELS

    _ = translations(request_lang(request)).gettext
    return {
        **{name: _(label) for name, label in LABELS.items()},
        "services": _("业务种类"),
        "sites": _("网站与应用"),
        "provisions": _("特别规定"),
    }


def field_label(labels: dict[str, str], name: str) -> str:
    """`sites[1].domain` → "网站与应用 2 · domain"; a main field → its label."""
    match = _PATH.fullmatch(name)
    if match is None:
        return labels.get(name, name)
    rest = match[3].lstrip(".")
    return f"{labels[match[1]]} {int(match[2]) + 1}" + (f" · {rest}" if rest else "")


def dom_id(name: str) -> str:
    """An HTML id for a field's box (`sites[1].domain` → `box-sites-1-domain`)."""
    return "box-" + re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-")


def is_scan_upload(files: list[tuple[bytes, str | None]]) -> bool:
    """Several files, or one page image / scanned PDF: the review flow rather than the text preview."""
    from vats.ingest.document import needs_ocr

    if len(files) > 1:
        return True
    data, name = files[0]
    try:
        return needs_ocr(data, source_name=name)
    except InputError:
        return False  # the text preview reports what is wrong with it


def stage_and_review(
    request: Request, session: Any, user: Principal, files: Any, organisation: str
) -> Response:
    """Queue the scan's reading and show its job: the page follows the pages read and opens the
    review when the reading is staged (`open_review`), so the upload never waits for OCR."""
    from vats.api.scans import submit_scan
    from vats.web.organisations import chosen_organisation

    org = chosen_organisation(organisation)
    job = submit_scan(session, user, files=files, organisation_id=org)
    session.commit()
    return RedirectResponse(f"/jobs/{job.id}?review=1", status_code=303)


def open_review(session: Any, user: Principal, job: Any) -> Response | None:
    """The redirect to a finished scan job's review, when it is the caller's and still staged."""
    from vats.api.scans import scan_job

    if job.kind != "scan_read":
        return None
    staged = scan_job(session, user, job_id=job.id).staged
    if staged is None:
        return None  # still reading, or confirmed, discarded or expired: the job page says which
    return RedirectResponse(f"/licences/review/{quote(staged.token)}", status_code=303)


def _review_page(
    request: Request,
    session: Any,
    user: Principal,
    token: str,
    *,
    error: str | None = None,
    typed: Any = None,
) -> Response:
    from vats.api.scans import review

    seen = review(session, user, token=token)
    labels = field_labels(request)
    return render(
        request,
        "scan_review.html",
        status_code=400 if error else 200,
        nav="licences",
        review=seen,
        token=token,
        label=lambda name: field_label(labels, name),
        dom_id=dom_id,
        typed=typed or {},
        error=error,
    )


@router.get("/licences/review/{token}")
def review_page(request: Request, token: str, user: WebWriter, session: DbSession) -> Response:
    return _review_page(request, session, user, token)


@router.get("/licences/review/{token}/pages/{number}")
def review_page_image(token: str, number: int, user: WebWriter, session: DbSession) -> Response:
    from vats.store.scans import staged_page, staged_upload

    upload = staged_upload(session, token=token, user=user.name)
    page = staged_page(session, upload, position=number)
    return Response(
        bytes(page.content), media_type="image/jpeg", headers={"Cache-Control": "private, no-store"}
    )


@router.post("/licences/review/{token}")
async def review_confirm(
    request: Request, token: str, user: WebWriter, session: DbSession, csrf_token: Csrf = ""
) -> Response:
    from vats.api.scans import confirm_scan
    from vats.ingest.scan.review import EDITABLE, MAX_VALUE

    check_csrf(request, csrf_token)
    form = await request.form()
    values: dict[str, str] = {}
    for name in EDITABLE:
        raw = form.get(f"field_{name}")
        if isinstance(raw, str):
            values[name] = raw[: MAX_VALUE + 1]
    try:
        record = confirm_scan(session, user, token=token, values=values)
    except InputError as exc:
        session.rollback()
        labels = field_labels(request)
        where = field_label(labels, exc.field) + "：" if exc.field else ""
        return _review_page(request, session, user, token, error=where + exc.message, typed=values)
    return RedirectResponse(f"/licences/{quote(record.number)}", status_code=303)


@router.post("/licences/review/{token}/discard")
def review_discard(
    request: Request, token: str, user: WebWriter, session: DbSession, csrf_token: Csrf = ""
) -> Response:
    from vats.api.scans import discard_scan

    check_csrf(request, csrf_token)
    discard_scan(session, user, token=token)
    return RedirectResponse("/licences/upload", status_code=303)


@router.get("/licences/{number}/scan/{file_id}")
def scan_file_download(number: str, file_id: int, user: WebUser, session: DbSession) -> Response:
    """A stored scan file of a visible licence: a page preview inline, an original as a download."""
    from vats.store.licences import require_licence
    from vats.store.models import LicenceRevision
    from vats.store.scans import ORIGINAL, scan_file

    record = require_licence(session, number=number)
    user.check_visible(record.organisation_id, what="licence")
    found = scan_file(session, file_id=file_id)
    owner = session.get(LicenceRevision, found.revision_id)
    if owner is None or owner.licence_id != record.id:
        from vats.model.errors import NotFoundError

        raise NotFoundError("扫描件不存在 / no such scan file", field="file")
    disposition = "attachment" if found.kind == ORIGINAL else "inline"
    filename = quote(found.name)
    return Response(
        bytes(found.content),
        media_type=found.media_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{filename}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@dataclass(frozen=True, slots=True)
class StoredScan:
    """What the licence page shows of a revision read from a scan."""

    originals: list[Any]
    pages: list[Any]
    fields: list[Any]
    label: Callable[[str], str]


def stored_scan(request: Request, session: Any, revision_id: int) -> StoredScan | None:
    """The revision's scan files and field confirmations, or None when it was not a scan."""
    from vats.store.scans import ORIGINAL, PAGE, revision_fields, revision_files

    files = revision_files(session, revision_id=revision_id)
    if not files:
        return None
    labels = field_labels(request)
    return StoredScan(
        [f for f in files if f.kind == ORIGINAL],
        [f for f in files if f.kind == PAGE],
        revision_fields(session, revision_id=revision_id),
        lambda name: field_label(labels, name),
    )
