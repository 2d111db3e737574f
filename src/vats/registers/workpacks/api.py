"""/api/v1/workpacks: annual report workpacks over HTTP (the same service functions as the CLI)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile

from vats.api.deps import DbSession, ExpectedVersion, Reader, Writer, versioned
from vats.api.downloads import attachment as download_response
from vats.api.forms import form_day, received
from vats.registers.workpacks import service
from vats.registers.workpacks.schemas import WorkpackFill, WorkpackOpen, view_json

router = APIRouter(prefix="/workpacks", tags=["workpacks"])


@router.get("", summary="年报底稿列表 / List workpacks")
def list_workpacks(
    session: DbSession,
    actor: Reader,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    year: Annotated[int | None, Query(ge=2017, le=2100)] = None,
) -> list[dict[str, Any]]:
    return [
        {"id": w.id, "licence": w.licence, "year": w.year, "status": w.status, "version": w.version}
        for w in service.list_workpacks(session, licence=licence, year=year)
    ]


def _out(session: Any, workpack_id: int, response: Response) -> dict[str, Any]:
    view = service.view_workpack(session, workpack_id=workpack_id)
    return versioned(response, view.workpack.version, view_json(view))


@router.post("", summary="打开（首次创建）年报底稿 / Open a licence's workpack for a year")
def open_workpack(
    body: Annotated[WorkpackOpen, Body()], response: Response, session: DbSession, actor: Writer
) -> dict[str, Any]:
    workpack = service.open_workpack(session, licence=body.licence, year=body.year)
    response.headers["Location"] = f"/api/v1/workpacks/{workpack.id}"
    return _out(session, workpack.id, response)


@router.get("/{workpack_id}", summary="年报底稿：预填值及来源、待填项、问题 / One workpack")
def read_workpack(workpack_id: int, response: Response, session: DbSession, actor: Reader) -> dict[str, Any]:
    return _out(session, workpack_id, response)


@router.patch("/{workpack_id}", summary="暂存填写内容 / Save values into the draft")
def fill_workpack(
    workpack_id: int,
    body: Annotated[WorkpackFill, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> dict[str, Any]:
    service.fill_workpack(session, workpack_id=workpack_id, values=body.values, expected_version=expected)
    return _out(session, workpack_id, response)


@router.get(
    "/{workpack_id}/export",
    summary="导出（按表单顺序）/ Export as XLSX or PDF",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/pdf": {},
                "text/html": {},
            }
        }
    },
)
def export_workpack(
    workpack_id: int,
    session: DbSession,
    actor: Reader,
    format: Annotated[str, Query(max_length=10)] = "xlsx",
) -> Response:
    from vats.report.workpack_export import MEDIA_TYPES, filename, render

    view = service.view_workpack(session, workpack_id=workpack_id)
    data = render(view, format)
    name = filename(view, format)  # type: ignore[arg-type]  # render refused any other format
    return download_response(data, media_type=MEDIA_TYPES[format], filename=name)


@router.post("/{workpack_id}/submit", summary="登记已报送（附回执）/ Record submission with its receipt")
async def submit_workpack(
    workpack_id: int,
    submitted_at: Annotated[str, Form(max_length=10)],
    receipt: Annotated[UploadFile, File(description="回执或截图 / receipt or screenshot")],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
    receipt_no: Annotated[str | None, Form(max_length=100)] = None,
) -> dict[str, Any]:
    when = form_day(submitted_at, field="submitted_at")
    proof = await received(receipt)
    service.submit_workpack(
        session,
        workpack_id=workpack_id,
        submitted_at=when,
        receipt=proof,
        receipt_no=receipt_no or None,
        expected_version=expected,
    )
    return _out(session, workpack_id, response)
