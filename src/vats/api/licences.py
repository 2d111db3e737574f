"""Licence use cases the API routes and the web pages share: parse an upload, import it into the
caller's organisation, read a visible record, diff two revisions. Routes and pages only parse input
and format output around these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from vats.api.deps import Principal
from vats.model.errors import InputError, NotFoundError
from vats.model.licence import Licence

if TYPE_CHECKING:
    from vats.ingest.scan.isolated import IsolatedScan


def visible_record(session: Session, actor: Principal, number: str) -> Any:
    from vats.store.licences import get_licence

    record = get_licence(session, number=number)
    if record is None or not actor.can_see(record.organisation_id):
        raise NotFoundError(f"licence {number} not found / 许可证不存在", field="number")
    return record


def parse_upload(raw: bytes, filename: str | None) -> Licence:
    """Parse uploaded bytes as `vats parse` would; a scan is read in the bounded OCR child process."""
    from vats.ingest.document import parse_licence_bytes

    scan = _read_scan(raw, filename)
    if scan is not None:
        return scan.licence
    return parse_licence_bytes(raw, source_name=filename or "upload")


def _read_scan(raw: bytes, filename: str | None) -> IsolatedScan | None:
    """The isolated OCR reading of a page image or scanned PDF; None for any other document."""
    from vats.ingest.document import needs_ocr
    from vats.ingest.scan.isolated import read_isolated

    name = filename or "upload"
    return read_isolated([(raw, name)]) if needs_ocr(raw, source_name=name) else None


def document_lines(raw: bytes) -> list[str]:
    """The document's text lines, numbered as the parser numbered them (for provenance display)."""
    from vats.ingest.decode import decode_bytes
    from vats.ingest.ocr import is_image
    from vats.ingest.pdf import is_pdf

    if is_image(raw):  # recognising the scan again for display would take seconds per page
        return [SCAN_NOTICE]
    if raw.startswith(b"PK\x03\x04"):
        from vats.ingest.ofd import is_ofd

        if is_ofd(raw):
            return _ofd_lines(raw)
    if is_pdf(raw):
        from vats.ingest.pdf import pdf_text_layer

        text = pdf_text_layer(raw)
        return text.splitlines() if text.strip() else [SCAN_NOTICE]
    return decode_bytes(raw).text.splitlines()


#: Shown instead of the text of a scanned or photographed original.
SCAN_NOTICE = (
    "原件为扫描件或照片,文字经 OCR 识别,此处不显示 / the original is a scan; its text was read by OCR"
)


def _ofd_lines(raw: bytes) -> list[str]:
    from vats.ingest.document import ofd_lines
    from vats.ingest.ofd import read_ofd

    return ofd_lines(read_ofd(raw))


def default_organisation(actor: Principal, requested: int | None) -> int | None:
    """Where an import is filed: the requested organisation (if visible), the only granted one, or —
    for admins only — an organisation named after the company."""
    if requested is not None:
        actor.check_visible(requested, what="organisation")
        return requested
    if actor.organisations is None:
        return None
    if len(actor.organisations) == 1:
        return next(iter(actor.organisations))
    raise InputError("choose an organisation_id / 请选择组织", field="organisation_id")


def import_document(
    session: Session, actor: Principal, raw: bytes, filename: str | None, organisation_id: int | None
) -> Any:
    """Parse and store a document for `actor` (API import and the web confirm step share this).

    A new revision of a licence the actor cannot see is refused as not found.
    """
    from vats.store.licences import get_licence
    from vats.store.licences import import_licence as store_import

    scan = _read_scan(raw, filename)
    licence = scan.licence if scan is not None else parse_upload(raw, filename)
    existing = get_licence(session, number=licence.number, any_organisation=True)
    if existing is not None:
        actor.check_visible(existing.organisation_id, what="licence")
        if organisation_id is not None:
            actor.check_visible(organisation_id, what="organisation")
        org = organisation_id
    else:
        org = default_organisation(actor, organisation_id)
    if scan is not None:  # kept with its original file and page image, like a reviewed scan
        from vats.store.scans import import_scan, scan_inputs

        files = scan_inputs([(raw, filename or "upload")], scan.previews)
        record, _ = import_scan(session, licence=licence, files=files, organisation_id=org)
    else:
        record = store_import(session, data=raw, licence=licence, source_name=filename, organisation_id=org)
    session.flush()
    return record


def revision_diff(session: Session, actor: Principal, number: str, a: int, b: int) -> Any:
    """STORE's structured diff of two visible revisions (shared with the web diff page)."""
    from vats.store.diff import diff_licences
    from vats.store.licences import revision

    record = visible_record(session, actor, number)
    old = revision(session, f"{record.number}@{a}").data
    new = revision(session, f"{record.number}@{b}").data
    return diff_licences(old, new)
