"""/api/v1/licences: list, upload → preview → import, detail, revisions, original documents, diff,
and optimistic-concurrency updates (If-Match)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from vats.api import views
from vats.api.deps import MAX_ID, DbSession, ExpectedVersion, Principal, Reader, RecordId, Writer, etag
from vats.api.listing import Paged, Paging, paged
from vats.api.problems import PreconditionFailed
from vats.api.reports import REPORT_RESPONSES, ExplainParam, ReportFormatParam, report_response
from vats.api.types import UtcDateTime
from vats.model.clock import today
from vats.model.errors import InputError, NotFoundError
from vats.model.licence import EXPIRING_DAYS, Licence, validity
from vats.model.serialise import to_jsonable
from vats.store.listing import paginate

router = APIRouter(prefix="/licences", tags=["licences"])
MAX_UPLOAD = 10 * 1024 * 1024


class LicenceSummary(BaseModel):
    id: int
    number: str
    company: str
    organisation_id: int | None
    issue_date: date | None
    expiry_date: date | None
    validity: str = Field(description="valid | expiring (≤90 days) | expired | unknown")
    current_revision: int
    version: int
    first_issued: date | None = Field(
        default=None,
        description="首次取得日期（用户登记）/ first-issue date set by the user; wins over the number's year",
    )


class LicenceDetail(LicenceSummary):
    licence: dict[str, Any] = Field(description="the structured licence (see `vats schema licence`)")


class ParseWarningOut(BaseModel):
    code: str
    message: str
    line: int | None = None
    raw: str | None = None
    suggestion: str | None = None


class Preview(BaseModel):
    number: str
    company: str
    licence: dict[str, Any]
    warnings: list[ParseWarningOut]
    findings: list[dict[str, Any]]
    exists: bool = Field(description="a licence with this number is already stored (import adds a revision)")


class RevisionOut(BaseModel):
    revision: int
    source_name: str | None
    media_type: str
    sm3: str
    imported_at: UtcDateTime
    imported_by: str


class FieldChangeOut(BaseModel):
    field: str
    before: Any = None
    after: Any = None


class DiffOut(BaseModel):
    number: str
    empty: bool
    changes: list[FieldChangeOut]
    sites_added: list[str]
    sites_removed: list[str]
    sites_changed: list[FieldChangeOut]
    services_added: list[str]
    services_removed: list[str]
    scope_changes: list[FieldChangeOut]


class LicencePatch(BaseModel):
    organisation_id: int | None = None
    archived: bool | None = None
    first_issued: date | None = Field(
        default=None,
        description="首次取得日期 / when the licence was first obtained (not after its issue date)",
    )
    clear_first_issued: bool = Field(default=False, description="remove a first-issue date set earlier")
    version: int | None = Field(default=None, description="alternative to If-Match")


def _columns() -> Select[*tuple[Any, ...]]:
    """The summary columns only: never load the parsed JSON for a list."""
    from vats.store.models import LicenceRecord as L

    columns = (L.id, L.number, L.company, L.organisation_id, L.issue_date, L.expiry_date)
    return select(*columns, L.current_revision, L.version, L.first_issued)


def _summary(row: Any, as_of: date) -> LicenceSummary:
    return LicenceSummary(
        id=row.id,
        number=row.number,
        company=row.company,
        organisation_id=row.organisation_id,
        issue_date=row.issue_date,
        expiry_date=row.expiry_date,
        validity=validity(row.expiry_date, as_of),
        first_issued=row.first_issued,
        current_revision=row.current_revision,
        version=row.version,
    )


def _visible_record(session: Session, actor: Principal, number: str) -> Any:
    from vats.store.licences import get_licence

    record = get_licence(session, number=number)
    if record is None or not actor.can_see(record.organisation_id):
        raise NotFoundError(f"licence {number} not found / 许可证不存在", field="number")
    return record


@router.get("", summary="Licences of the visible organisations")
def list_licences(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=100, description="number or company contains")] = None,
    validity: Annotated[str | None, Query(pattern="^(valid|expiring|expired|unknown)$")] = None,
    organisation_id: int | None = None,
    as_of: date | None = None,
) -> Paged[LicenceSummary]:
    from vats.store.models import LicenceRecord as L

    as_of = as_of or today()
    where: list[Any] = [L.archived.is_(False)]
    if actor.organisations is not None:
        where.append(L.organisation_id.in_(sorted(actor.organisations)))
    if organisation_id is not None:
        where.append(L.organisation_id == organisation_id)
    if q:
        where.append(L.number.contains(q, autoescape=True) | L.company.contains(q, autoescape=True))
    soon = as_of + timedelta(days=EXPIRING_DAYS)
    if validity == "expired":
        where.append(L.expiry_date < as_of)
    elif validity == "expiring":
        where.append(L.expiry_date.between(as_of, soon))
    elif validity == "valid":
        where.append(L.expiry_date > soon)
    elif validity == "unknown":
        where.append(L.expiry_date.is_(None))
    count = select(func.count()).select_from(L).where(*where)
    key = ("licence-count", str(count.compile(compile_kwargs={"literal_binds": True})))
    total = views.memo(session, key, lambda: session.scalar(count) or 0)
    result = paginate(
        session, _columns().where(*where).order_by(L.number), page=paging, total=total, rows=True
    )
    return paged(request, response, [_summary(r, as_of) for r in result], total, paging)


async def _read_upload(document: UploadFile) -> bytes:
    raw = await document.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InputError("file too large (10 MB max) / 文件过大", field="document")
    if not raw:
        raise InputError("empty file / 文件为空", field="document")
    return raw


def parse_upload(raw: bytes, filename: str | None) -> Licence:
    """Parse uploaded bytes exactly as `vats parse` would (text encodings or PDF)."""
    from vats.ingest.document import parse_licence_bytes

    return parse_licence_bytes(raw, source_name=filename or "upload")


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


@router.post("/preview", summary="Parse a licence document without saving it")
async def preview(
    session: DbSession,
    actor: Writer,
    document: Annotated[UploadFile, File(description="text, PDF, scan/photo or OFD")],
) -> Preview:
    from vats.rules.audit import audit_licence
    from vats.store.licences import get_licence

    raw = await _read_upload(document)
    licence = parse_upload(raw, document.filename)
    return Preview(
        number=licence.number,
        company=licence.company,
        licence=to_jsonable(licence),
        warnings=[ParseWarningOut(**to_jsonable(w)) for w in licence.warnings],
        findings=[to_jsonable(f) for f in audit_licence(licence, as_of=today())],
        exists=get_licence(session, number=licence.number) is not None,
    )


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


@router.post("", status_code=201, summary="Import (confirm) a licence document; adds a revision if known")
async def import_licence(
    response: Response,
    session: DbSession,
    actor: Writer,
    document: Annotated[UploadFile, File(description="text, PDF, scan/photo or OFD")],
    organisation_id: Annotated[int | None, Form()] = None,
) -> LicenceSummary:
    raw = await _read_upload(document)
    record = import_document(session, actor, raw, document.filename, organisation_id)
    response.headers["Location"] = f"/api/v1/licences/{quote(record.number)}"
    response.headers["ETag"] = etag(record.version)
    return _summary(record, today())


def import_document(
    session: Session, actor: Principal, raw: bytes, filename: str | None, organisation_id: int | None
) -> Any:
    """Parse and store a document for `actor` (API import and the web confirm step share this).

    A new revision of a licence the actor cannot see is refused as not found.
    """
    from vats.store.licences import get_licence
    from vats.store.licences import import_licence as store_import

    licence = parse_upload(raw, filename)
    existing = get_licence(session, number=licence.number, any_organisation=True)
    if existing is not None:
        actor.check_visible(existing.organisation_id, what="licence")
        if organisation_id is not None:
            actor.check_visible(organisation_id, what="organisation")
        org = organisation_id
    else:
        org = default_organisation(actor, organisation_id)
    record = store_import(session, data=raw, licence=licence, source_name=filename, organisation_id=org)
    session.flush()
    return record


@router.get("/{number}", summary="One licence with its structured data (ETag = version)")
def get_licence(number: str, response: Response, session: DbSession, actor: Reader) -> LicenceDetail:
    record = _visible_record(session, actor, number)
    response.headers["ETag"] = etag(record.version)
    summary = _summary(record, today())
    return LicenceDetail(**summary.model_dump(), licence=record.data)


@router.patch("/{number}", summary="Move to another organisation or archive; needs If-Match or version")
def patch_licence(
    number: str,
    body: LicencePatch,
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> LicenceSummary:
    from vats.api.problems import PreconditionRequired

    record = _visible_record(session, actor, number)
    wanted = expected if expected is not None else body.version
    if wanted is None:
        raise PreconditionRequired(
            'send If-Match: "<version>" or a version field / 需要版本号', field="If-Match"
        )
    if wanted != record.version:
        raise PreconditionFailed(
            f"licence {number} is at version {record.version}, not {wanted}; re-read and retry / 版本已变化",
            field="version",
        )
    if body.organisation_id is not None:
        actor.check_visible(body.organisation_id, what="organisation")
        record.organisation_id = body.organisation_id
    if body.archived is not None:
        record.archived = body.archived
    if body.first_issued is not None or body.clear_first_issued:
        from vats.store.licences import set_first_issued

        set_first_issued(session, number=record.number, first_issued=body.first_issued)
    session.flush()
    response.headers["ETag"] = etag(record.version)
    return _summary(record, today())


@router.get("/{number}/revisions", summary="Imported documents of a licence, oldest first")
def list_revisions(number: str, session: DbSession, actor: Reader) -> list[RevisionOut]:
    from vats.store.licences import revisions

    _visible_record(session, actor, number)
    return [RevisionOut.model_validate(r, from_attributes=True) for r in revisions(session, number=number)]


@router.get(
    "/{number}/revisions/{n}/document",
    summary="The original document of a revision, byte for byte",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}, "application/pdf": {}}}},
)
def revision_document(number: str, n: RecordId, session: DbSession, actor: Reader) -> Response:
    from vats.store.licences import revision

    record = _visible_record(session, actor, number)
    rev = revision(session, f"{record.number}@{n}")
    return Response(content=rev.content, media_type=rev.media_type, headers={"X-Content-SM3": rev.sm3})


@router.get(
    "/{number}/report",
    summary="Compliance report of one licence as of today (PDF, HTML or XLSX), as `vats report` writes it",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
def licence_report(
    number: str,
    session: DbSession,
    actor: Reader,
    fmt: ReportFormatParam = "pdf",
    explain: ExplainParam = False,
) -> Response:
    record = _visible_record(session, actor, number)
    as_of = today()
    audit = views.portfolio(session, actor, as_of=as_of).audit_of(record.number)
    if audit is None:  # archived: the portfolio holds live licences only
        raise NotFoundError(f"licence {number} is archived / 许可证已归档", field="number")
    return report_response([audit], as_of=as_of, fmt=fmt, explain=explain, name=record.number)


@router.get("/{number}/diff", summary="What changed between two revisions (dates, holder, sites, scope)")
def diff(
    number: str,
    session: DbSession,
    actor: Reader,
    a: Annotated[int, Query(ge=1, le=MAX_ID)],
    b: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> DiffOut:
    return DiffOut.model_validate(revision_diff(session, actor, number, a, b), from_attributes=True)


def revision_diff(session: Session, actor: Principal, number: str, a: int, b: int) -> Any:
    """STORE's structured diff of two visible revisions (shared with the web diff page)."""
    from vats.store.diff import diff_licences
    from vats.store.licences import revision

    record = _visible_record(session, actor, number)
    old = revision(session, f"{record.number}@{a}").data
    new = revision(session, f"{record.number}@{b}").data
    return diff_licences(old, new)
