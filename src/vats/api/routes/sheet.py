"""/api/v1/licences/sheet: preview and import a spreadsheet of licences (writers only, org-scoped).

Both take the same multipart form — `file` (XLSX or CSV, capped), an optional `mapping` (JSON
object {column header: field}, `-` ignores a column) and an optional `organisation_id` — and answer
the same summary; `preview?format=xlsx` answers the problem report as a workbook instead. Rows are
matched to the caller's organisations only; only admins may create organisations from rows.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vats.api.deps import MAX_ID, DbSession, Principal, Writer
from vats.ingest.sheet import DEFAULT_LIMITS, FIELDS
from vats.model.errors import InputError
from vats.model.serialise import to_jsonable

router = APIRouter(prefix="/licences/sheet", tags=["licences"])
MAX_MAPPING_CHARS = 8000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProblemOut(BaseModel):
    row: int
    column: str
    field: str | None
    message: str
    severity: str = Field(description="error (row not imported) | warning (imported)")


class SampleRow(BaseModel):
    row: int
    ok: bool
    values: dict[str, str]
    numbers: list[str]


class SheetSummaryOut(BaseModel):
    file: str
    encoding: str
    columns: dict[str, str] = Field(description="{column header: field} in use")
    headers: list[str]
    fields: dict[str, str] = Field(description="every field with its Chinese label")
    notices: list[str]
    rows: int
    valid_rows: int
    licences: int
    errors: int
    warnings: int
    problems: list[ProblemOut]
    problems_truncated: bool
    new_organisations: list[str]
    sample: list[SampleRow]
    imported: int
    inventory_added: int
    dry_run: bool


def parse_mapping(text: str | None) -> dict[str, str]:
    """The `mapping` form field: a JSON object of at most 64 string pairs (bounded before parsing)."""
    if not text or not text.strip():
        return {}
    if len(text) > MAX_MAPPING_CHARS:
        raise InputError(f"mapping longer than {MAX_MAPPING_CHARS} characters / 映射过长", field="mapping")
    try:
        value = json.loads(text)
    except ValueError:
        raise InputError("mapping must be a JSON object / 映射应为 JSON 对象", field="mapping") from None
    if (
        not isinstance(value, dict)
        or len(value) > 64
        or not all(isinstance(k, str) and isinstance(v, str) and len(k) <= 200 for k, v in value.items())
    ):
        raise InputError("mapping must map column headers to field names / 映射格式错误", field="mapping")
    return value


def upload_name(file: UploadFile) -> str:
    """The uploaded file's name as recorded in provenance (path parts dropped, length bounded)."""
    name = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "sheet"


async def read_sheet_upload(file: UploadFile) -> bytes:
    raw = await file.read(DEFAULT_LIMITS.max_bytes + 1)
    if len(raw) > DEFAULT_LIMITS.max_bytes:
        raise InputError(f"file larger than {DEFAULT_LIMITS.max_bytes} bytes / 文件过大", field="file")
    if not raw:
        raise InputError("empty file / 文件为空", field="file")
    return raw


def run_sheet(
    session: Session,
    actor: Principal,
    *,
    data: bytes,
    name: str,
    mapping: dict[str, str],
    organisation_id: int | None,
    write: bool,
) -> Any:
    """Preview or import for `actor`: the one path the API and the web page share."""
    from vats.store.sheet import import_sheet, preview_sheet

    if organisation_id is not None:
        actor.check_visible(organisation_id, what="organisation")
    run = import_sheet if write else preview_sheet
    return run(
        session,
        data=data,
        name=name,
        overrides=mapping,
        organisation_id=organisation_id,
        can_create=actor.organisations is None,
    )


def summary_out(summary: Any) -> SheetSummaryOut:
    return SheetSummaryOut(
        file=summary.source.name,
        encoding=summary.source.encoding,
        columns=summary.columns.as_dict(),
        headers=list(summary.columns.headers),
        fields=FIELDS,
        notices=summary.notices,
        rows=summary.rows,
        valid_rows=summary.valid_rows,
        licences=summary.licences,
        errors=summary.errors,
        warnings=summary.warnings,
        problems=[ProblemOut(**to_jsonable(p)) for p in summary.problems],
        problems_truncated=summary.problems_truncated,
        new_organisations=summary.new_organisations,
        sample=[
            SampleRow(row=r.row, ok=r.ok, values=r.values, numbers=[lic.number for lic in r.licences])
            for r in summary.sample
        ],
        imported=summary.imported,
        inventory_added=summary.inventory_added,
        dry_run=summary.dry_run,
    )


def problem_report(summary: Any) -> Response:
    from vats.report.sheet import error_report_xlsx

    body = error_report_xlsx(summary.problems, truncated=summary.problems_truncated)
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('问题报告.xlsx')}"},
    )


OrganisationField = Annotated[int | None, Form(ge=1, le=MAX_ID)]
MappingField = Annotated[str | None, Form(max_length=MAX_MAPPING_CHARS, description="JSON {header: field}")]
SheetFile = Annotated[UploadFile, File(description="XLSX or CSV (UTF-8, UTF-8 BOM, GB18030)")]


@router.post(
    "/preview",
    summary="Validate a spreadsheet of licences without saving it (format=xlsx: the problem report)",
    response_model=SheetSummaryOut,
    responses={200: {"content": {XLSX: {}}}},
)
async def preview(
    session: DbSession,
    actor: Writer,
    file: SheetFile,
    mapping: MappingField = None,
    organisation_id: OrganisationField = None,
    format: Annotated[str, Query(pattern="^(json|xlsx)$")] = "json",
) -> SheetSummaryOut | Response:
    raw = await read_sheet_upload(file)
    summary = run_sheet(
        session,
        actor,
        data=raw,
        name=upload_name(file),
        mapping=parse_mapping(mapping),
        organisation_id=organisation_id,
        write=False,
    )
    return problem_report(summary) if format == "xlsx" else summary_out(summary)


@router.post("/import", summary="Import the valid rows of a spreadsheet in one transaction")
async def import_rows(
    session: DbSession,
    actor: Writer,
    file: SheetFile,
    mapping: MappingField = None,
    organisation_id: OrganisationField = None,
) -> SheetSummaryOut:
    raw = await read_sheet_upload(file)
    summary = run_sheet(
        session,
        actor,
        data=raw,
        name=upload_name(file),
        mapping=parse_mapping(mapping),
        organisation_id=organisation_id,
        write=True,
    )
    return summary_out(summary)
