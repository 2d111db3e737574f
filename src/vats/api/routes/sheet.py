"""/api/v1/licences/sheet: preview and import a spreadsheet of licences (writers only, org-scoped).

Both take the same multipart form — `file` (XLSX or CSV, capped), an optional `mapping` (JSON
object {column header: field}, `-` ignores a column) and an optional `organisation_id` — and answer
the same summary; `preview?format=xlsx` answers the problem report as a workbook instead. Rows are
matched to the caller's organisations only; only admins may create organisations from rows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from vats.api.deps import MAX_ID, DbSession, Writer
from vats.api.sheet import (
    MAX_MAPPING_CHARS,
    XLSX,
    parse_mapping,
    problem_report,
    read_sheet_upload,
    run_sheet,
    upload_name,
)
from vats.ingest.sheet import FIELDS
from vats.model.serialise import to_jsonable

router = APIRouter(prefix="/licences/sheet", tags=["licences"])


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
    new_organisations: list[str]  # the first names, sorted; the count is complete
    new_organisation_count: int
    sample: list[SampleRow]
    imported: int
    inventory_added: int
    dry_run: bool


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
        new_organisation_count=summary.new_organisation_count,
        sample=[
            SampleRow(row=r.row, ok=r.ok, values=r.values, numbers=[lic.number for lic in r.licences])
            for r in summary.sample
        ],
        imported=summary.imported,
        inventory_added=summary.inventory_added,
        dry_run=summary.dry_run,
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
