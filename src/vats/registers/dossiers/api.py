"""/api/v1/dossiers: application dossiers over HTTP (the same service functions as the CLI and web)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer, versioned
from vats.api.downloads import attachment as download_response
from vats.api.forms import form_day, read_capped, received
from vats.registers.dossiers import service
from vats.registers.dossiers.schemas import DossierOpen, DossierSubmit, ItemUpdate, view_json

router = APIRouter(prefix="/dossiers", tags=["dossiers"])
ItemId = Annotated[str, Path(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


def _out(session: Any, dossier_id: int, response: Response) -> dict[str, Any]:
    view = service.view_dossier(session, dossier_id=dossier_id)
    return versioned(response, view.dossier.version, view_json(view))


@router.get("", summary="申请材料包列表 / List dossiers")
def list_dossiers(
    session: DbSession,
    actor: Reader,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "licence": d.licence,
            "kind": d.kind,
            "status": d.status,
            "opened_on": d.opened_on.isoformat(),
            "version": d.version,
        }
        for d in service.list_dossiers(session, licence=licence, kind=kind, status=status)
    ]


@router.post("", summary="建立（或打开已有的）申请材料包 / Open a renewal or change dossier")
def open_dossier(body: DossierOpen, response: Response, session: DbSession, actor: Writer) -> dict[str, Any]:
    if body.change_id is not None:
        dossier = service.open_change(session, change_id=body.change_id)
    else:
        dossier = service.open_renewal(session, licence=body.licence or "")
    response.headers["Location"] = f"/api/v1/dossiers/{dossier.id}"
    return _out(session, dossier.id, response)


@router.get("/{dossier_id}", summary="申请材料包：清单、业务开展证明或停止清单、期限 / One dossier")
def read_dossier(dossier_id: int, response: Response, session: DbSession, actor: Reader) -> dict[str, Any]:
    return _out(session, dossier_id, response)


@router.patch(
    "/{dossier_id}/items/{item}", summary="更新材料项：负责人、状态、备注 / Update a checklist item"
)
def update_item(
    dossier_id: int,
    item: ItemId,
    body: ItemUpdate,
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> dict[str, Any]:
    service.update_item(
        session, dossier_id=dossier_id, item=item, expected_version=expected, **body.model_dump()
    )
    return _out(session, dossier_id, response)


@router.post(
    "/{dossier_id}/items/{item}/attachments",
    status_code=201,
    summary="上传材料文件 / Attach a file to an item",
)
async def attach(
    dossier_id: int,
    item: ItemId,
    file: Annotated[UploadFile, File(description="材料文件 / the file")],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> dict[str, Any]:
    content = await read_capped(file)
    attachment = service.attach(
        session,
        dossier_id=dossier_id,
        item=item,
        filename=file.filename or "",
        content=content,
        media_type=file.content_type,
        expected_version=expected,
    )
    response.headers["Location"] = f"/api/v1/dossiers/{dossier_id}/attachments/{attachment.id}"
    return {"id": attachment.id, "item": item, "filename": attachment.filename, "sm3": attachment.sm3}


@router.get(
    "/{dossier_id}/attachments/{attachment_id}",
    summary="下载材料文件 / An attached file, byte for byte (X-Content-SM3 carries its digest)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download(dossier_id: int, attachment_id: int, session: DbSession, actor: Reader) -> Response:
    a = service.get_attachment(session, dossier_id=dossier_id, attachment_id=attachment_id)
    return download_response(
        a.content, media_type=a.media_type, filename=a.filename, headers={"X-Content-SM3": a.sm3}
    )


@router.get(
    "/{dossier_id}/export",
    summary="导出整个材料包（PDF 或 ZIP）/ Export as one PDF or one ZIP",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "application/zip": {}}}},
)
def export(
    dossier_id: int, session: DbSession, actor: Reader, format: Annotated[str, Query(max_length=10)] = "pdf"
) -> Response:
    from vats.report.dossier_export import MEDIA_TYPES, filename, render

    view = service.view_dossier(session, dossier_id=dossier_id)
    data = render(view, service.contents(session, view.dossier), format)
    name = filename(view, format)  # type: ignore[arg-type]  # render refused any other format
    return download_response(data, media_type=MEDIA_TYPES[format], filename=name)


@router.post("/{dossier_id}/submit", summary="登记已提交申请 / Record the submission")
def submit(
    dossier_id: int,
    body: DossierSubmit,
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> dict[str, Any]:
    service.submit(session, dossier_id=dossier_id, expected_version=expected, **body.model_dump())
    return _out(session, dossier_id, response)


@router.post("/{dossier_id}/approve", summary="登记批准并导入新许可证 / Record approval with the new licence")
async def approve(
    dossier_id: int,
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
    approved_at: Annotated[str, Form(max_length=10)],
    document: Annotated[UploadFile, File(description="批准后的许可证文件 / the licence as issued")],
) -> dict[str, Any]:
    when = form_day(approved_at, field="approved_at")
    licence = await received(document)
    service.approve(
        session, dossier_id=dossier_id, approved_at=when, document=licence, expected_version=expected
    )
    return _out(session, dossier_id, response)
