"""Spreadsheet onboarding over HTTP: reading the upload and running preview or import for a caller.

The API routes and the web page share these steps, so they live outside `api/routes`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from vats.api.deps import Principal
from vats.ingest.sheet import DEFAULT_LIMITS
from vats.model.errors import InputError

MAX_MAPPING_CHARS = 8000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def problem_report(summary: Any) -> Response:
    from vats.report.sheet import error_report_xlsx

    body = error_report_xlsx(summary.problems, truncated=summary.problems_truncated)
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('问题报告.xlsx')}"},
    )
