"""Filing attachments over HTTP: the routes the filings register adds to its generic router."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer
from vats.registers.filings import attachments
from vats.registers.filings.schemas import AttachmentOut


def extend_router(router: APIRouter) -> None:
    """Upload (until the filing is closed) and download, byte for byte with its SM3 digest."""

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
        content = await file.read(
            attachments.max_attachment_bytes() + 1
        )  # one byte over the cap is enough to refuse
        attachment = attachments.attach_file(
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
    def download_attachment(
        filing_id: int, attachment_id: int, session: DbSession, actor: Reader
    ) -> Response:
        from urllib.parse import quote

        from vats.model.errors import NotFoundError

        attachment = attachments.get_attachment(session, attachment_id=attachment_id)
        if attachment.filing_id != filing_id:
            raise NotFoundError(
                f"附件 {attachment_id} 不存在 / attachment {attachment_id} not found", field="id"
            )
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
    return f"/api/v1/filings/{filing_id}/attachments/{attachment_id}"
