"""/api/v1/licences: list, upload → preview → import, detail, revisions, original documents, diff,
and optimistic-concurrency updates (If-Match)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from vats.api import views
from vats.api.deps import MAX_ID, DbSession, ExpectedVersion, Reader, RecordId, Writer, etag
from vats.api.licences import (
    import_document,
    parse_upload,
    revision_diff,
    visible_record,
)
from vats.api.listing import Paged, Paging, paged
from vats.api.problems import PreconditionFailed
from vats.api.reports import REPORT_RESPONSES, ExplainParam, ReportFormatParam, report_response
from vats.api.settings import MAX_UPLOAD
from vats.api.types import UtcDateTime
from vats.model.clock import today
from vats.model.errors import InputError, NotFoundError
from vats.model.licence import validity
from vats.model.serialise import to_jsonable
from vats.rules.horizon import renewal_days_before

router = APIRouter(prefix="/licences", tags=["licences"])


class LicenceSummary(BaseModel):
    id: int
    number: str
    company: str
    organisation_id: int | None
    issue_date: date | None
    expiry_date: date | None
    validity: str = Field(description="valid | expiring (renewal horizon) | expired | unknown")
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


def _summary(row: Any, as_of: date) -> LicenceSummary:
    return LicenceSummary(
        id=row.id,
        number=row.number,
        company=row.company,
        organisation_id=row.organisation_id,
        issue_date=row.issue_date,
        expiry_date=row.expiry_date,
        validity=validity(row.expiry_date, as_of, expiring_within=renewal_days_before()),
        first_issued=row.first_issued,
        current_revision=row.current_revision,
        version=row.version,
    )


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
    region: Annotated[str | None, Query(max_length=10, description="region code (BJ) or 京")] = None,
    service: Annotated[str | None, Query(max_length=20, description="catalogue code, e.g. B25")] = None,
    as_of: date | None = None,
) -> Paged[LicenceSummary]:
    from vats.store.licence_filters import LicenceFilters, count_query, licence_page

    as_of = as_of or today()
    filters = LicenceFilters(
        q=q, validity=validity, organisation_id=organisation_id, region=region, service=service
    )
    count = count_query(session, filters=filters, as_of=as_of)
    key = ("licence-count", str(count.compile(compile_kwargs={"literal_binds": True})))
    total = views.memo(session, key, lambda: session.scalar(count) or 0)
    result = licence_page(session, filters=filters, as_of=as_of, page=paging, total=total)
    return paged(request, response, [_summary(r, as_of) for r in result], total, paging)


async def _read_upload(document: UploadFile) -> bytes:
    raw = await document.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InputError("file too large (10 MB max) / 文件过大", field="document")
    if not raw:
        raise InputError("empty file / 文件为空", field="document")
    return raw


@router.post("/preview", summary="Parse a licence document without saving it")
async def preview(
    session: DbSession,
    actor: Writer,
    document: Annotated[UploadFile, File(description="text, PDF, scan/photo or OFD")],
) -> Preview:
    from vats.rules.audit import audit_licence
    from vats.store.licences import get_licence

    raw = await _read_upload(document)
    # Off the event loop: a PDF is parsed in a child process that may take its whole time-out.
    licence = await run_in_threadpool(parse_upload, raw, document.filename)
    return Preview(
        number=licence.number,
        company=licence.company,
        licence=to_jsonable(licence),
        warnings=[ParseWarningOut(**to_jsonable(w)) for w in licence.warnings],
        findings=[to_jsonable(f) for f in audit_licence(licence, as_of=today())],
        exists=get_licence(session, number=licence.number) is not None,
    )


@router.post("", status_code=201, summary="Import (confirm) a licence document; adds a revision if known")
async def import_licence(
    response: Response,
    session: DbSession,
    actor: Writer,
    document: Annotated[UploadFile, File(description="text, PDF, scan/photo or OFD")],
    organisation_id: Annotated[int | None, Form()] = None,
) -> LicenceSummary:
    raw = await _read_upload(document)
    # Off the event loop: a scan is read by OCR in a child process (seconds per page).
    record = await run_in_threadpool(import_document, session, actor, raw, document.filename, organisation_id)
    response.headers["Location"] = f"/api/v1/licences/{quote(record.number)}"
    response.headers["ETag"] = etag(record.version)
    return _summary(record, today())


@router.get("/{number}", summary="One licence with its structured data (ETag = version)")
def get_licence(number: str, response: Response, session: DbSession, actor: Reader) -> LicenceDetail:
    record = visible_record(session, actor, number)
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

    record = visible_record(session, actor, number)
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

    visible_record(session, actor, number)
    return [RevisionOut.model_validate(r, from_attributes=True) for r in revisions(session, number=number)]


@router.get(
    "/{number}/revisions/{n}/document",
    summary="The original document of a revision, byte for byte",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}, "application/pdf": {}}}},
)
def revision_document(number: str, n: RecordId, session: DbSession, actor: Reader) -> Response:
    from vats.store.licences import revision

    record = visible_record(session, actor, number)
    rev = revision(session, f"{record.number}@{n}")
    return Response(content=rev.content, media_type=rev.media_type, headers={"X-Content-SM3": rev.sm3})


@router.get(
    "/{number}/report",
    summary="Compliance report of one licence as of today (PDF, HTML or XLSX), as `vats report` writes it",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
def licence_report(
    request: Request,
    number: str,
    session: DbSession,
    actor: Reader,
    fmt: ReportFormatParam = "pdf",
    explain: ExplainParam = False,
) -> Response:
    record = visible_record(session, actor, number)
    as_of = today()
    audit = views.licence_audit(session, record.number, as_of=as_of)
    if audit is None:  # archived: the portfolio holds live licences only
        raise NotFoundError(f"licence {number} is archived / 许可证已归档", field="number")
    return report_response(
        [audit],
        session=session,
        as_of=as_of,
        fmt=fmt,
        explain=explain,
        name=record.number,
        link_base=str(request.base_url),
    )


@router.get("/{number}/diff", summary="What changed between two revisions (dates, holder, sites, scope)")
def diff(
    number: str,
    session: DbSession,
    actor: Reader,
    a: Annotated[int, Query(ge=1, le=MAX_ID)],
    b: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> DiffOut:
    return DiffOut.model_validate(revision_diff(session, actor, number, a, b), from_attributes=True)
