"""/api/v1/filings: the filings register over HTTP (same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, File, Query, Request, Response, UploadFile

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.api.listing import Paged, Paging
from vats.registers import api as common
from vats.registers.api import AsOf
from vats.registers.filings import INFO, MACHINE, service
from vats.registers.filings.schemas import AttachmentOut, FilingCreate, FilingFilters, FilingOut, FilingSubmit

router = APIRouter(prefix=f"/{INFO.plural}", tags=[INFO.plural])


@router.get("", summary="申报列表 / List filings")
def list_filings(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    as_of: AsOf = None,
    licence: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query()] = None,
    year: Annotated[int | None, Query()] = None,
    open_only: Annotated[bool, Query()] = False,
) -> Paged[FilingOut]:
    filters = FilingFilters(licence=licence, status=status, kind=kind, year=year, open_only=open_only)
    result = service.list_filings(session, filters=filters, page=paging)
    return common.many(
        request, response, session, result, schema=FilingOut, machine=MACHINE, paging=paging, as_of=as_of
    )


@router.post("", status_code=201, summary="登记申报 / Record a filing")
def create_filing(
    body: Annotated[FilingCreate, Body()], response: Response, session: DbSession, actor: Writer
) -> FilingOut:
    record = service.add_filing(session, **body.model_dump())
    common.created(response, INFO.plural, record.id)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)


@router.get("/{filing_id}", summary="申报及附件 / One filing with its attachments")
def read_filing(
    filing_id: int, response: Response, session: DbSession, actor: Reader, as_of: AsOf = None
) -> FilingOut:
    record = service.get_filing(session, filing_id=filing_id)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response, as_of=as_of)


@router.post("/{filing_id}/submit", summary="登记已提交 / Record submission")
def submit_filing(
    filing_id: int,
    body: Annotated[FilingSubmit, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> FilingOut:
    record = service.submit_filing(
        session, filing_id=filing_id, expected_version=expected, **body.model_dump()
    )
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)


@router.post("/{filing_id}/close", summary="办结 / Close")
def close_filing(
    filing_id: int, response: Response, session: DbSession, actor: Writer, expected: ExpectedVersion
) -> FilingOut:
    record = service.close_filing(session, filing_id=filing_id, expected_version=expected)
    return common.one(session, record, schema=FilingOut, machine=MACHINE, response=response)


@router.post(
    "/{filing_id}/attachments",
    status_code=201,
    summary="附加文件 / Attach a file (until the filing is closed)",
)
async def upload_attachment(
    filing_id: int,
    file: Annotated[UploadFile, File(description="要附加的文件 / the file")],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> AttachmentOut:
    content = await file.read(service.max_attachment_bytes() + 1)  # one byte over the cap is enough to refuse
    attachment = service.attach_file(
        session,
        filing_id=filing_id,
        filename=file.filename or "",
        content=content,
        media_type=file.content_type,
        expected_version=expected,
    )
    response.headers["Location"] = attachment_url(filing_id, attachment.id)
    return AttachmentOut.model_validate(attachment)


@router.get(
    "/{filing_id}/attachments/{attachment_id}",
    summary="下载附件 / An attached file, byte for byte (X-Content-SM3 carries its digest)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_attachment(filing_id: int, attachment_id: int, session: DbSession, actor: Reader) -> Response:
    from urllib.parse import quote

    from vats.model.errors import NotFoundError

    attachment = service.get_attachment(session, attachment_id=attachment_id)
    if attachment.filing_id != filing_id:
        raise NotFoundError(f"附件 {attachment_id} 不存在 / attachment {attachment_id} not found", field="id")
    return Response(
        content=attachment.content,
        media_type=attachment.media_type,
        headers={
            "X-Content-SM3": attachment.sm3,
            # always a download: an uploaded HTML or SVG file must never render inside the app's origin
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.filename)}",
        },
    )


def attachment_url(filing_id: int, attachment_id: int) -> str:
    return f"/api/v1/{INFO.plural}/{filing_id}/attachments/{attachment_id}"


common.add_correction_route(router, info=INFO, schema=FilingOut, machine=MACHINE)
