"""/api/v1/regulator-lists, /api/v1/counterparties and /api/v1/list-findings: the watchlist services
over HTTP (the web pages and the CLI call the same functions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from vats.api.deps import DbSession, ExpectedVersion, Reader, RecordId, Writer, versioned
from vats.checks.regulator_lists import LIST_KINDS
from vats.model.clock import minute_iso
from vats.model.errors import InputError
from vats.registers.watchlists import counterparties, service
from vats.registers.watchlists.models import Counterparty, ListFinding, RegulatorList

router = APIRouter(tags=["regulator lists"])
OrgQuery = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


class CounterpartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: int = Field(ge=1, le=2_147_483_647)
    role: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=200)
    uscc: str | None = Field(default=None, max_length=30)
    licence: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class FindingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=10)


def list_json(row: RegulatorList) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "kind": row.kind,
        "kind_label": LIST_KINDS.get(row.kind, row.kind),
        "source": row.source,
        "source_url": row.source_url,
        "sm3": row.sm3,
        "mapping": row.mapping,
        "rows": row.rows,
        "hits": row.hits,
        "new_findings": row.new_findings,
        "imported_at": minute_iso(row.imported_at),
        "imported_by": row.imported_by,
    }


def entry_json(e: Any) -> dict[str, Any]:
    """A list row as read (a preview sample or a stored entry have the same fields)."""
    keys = ("line", "name", "uscc", "licence", "date", "reason", "unit")
    return {k: getattr(e, k) for k in keys}


def finding_json(row: ListFinding) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "list_id": row.list_id,
        "list_kind": row.list_kind,
        "line": row.line,
        "party_kind": row.party_kind,
        "party_label": row.party_label,
        "licence": row.licence,
        "subject": row.subject,
        "matched_by": row.matched_by.split(","),
        "severity": row.severity,
        "message_zh": row.message_zh,
        "message_en": row.message_en,
        "evidence": row.evidence,
        "owner": row.owner,
        "status": row.status,
        "found_at": minute_iso(row.found_at),
        "version": row.version,
    }


def counterparty_json(row: Counterparty) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "role": row.role,
        "role_label": service.ROLES.get(row.role, row.role),
        "name": row.name,
        "uscc": row.uscc,
        "licence": row.licence,
        "note": row.note,
        "source": row.source,
    }


def parse_mapping(text: str | None) -> dict[str, Any]:
    """The `mapping` form field: a JSON object field → column header or 0-based index (bounded)."""
    import json

    if not text or not text.strip():
        return {}
    if len(text) > 4000:
        raise InputError("映射过长 / mapping longer than 4000 characters", field="mapping")
    try:
        value = json.loads(text)
    except ValueError:
        raise InputError("映射应为 JSON 对象 / mapping must be a JSON object", field="mapping") from None
    if not isinstance(value, dict) or len(value) > 20:
        raise InputError("映射应为 JSON 对象 / mapping must be a JSON object", field="mapping")
    return value


async def read_upload(file: UploadFile | None, url: str | None, *, cap: int) -> tuple[bytes, str, str | None]:
    """The list's bytes from an upload or a public URL (exactly one), bounded before reading on."""
    if (file is None) == (not url):
        raise InputError("请上传文件或填写网址（二选一）/ give a file or a URL", field="file")
    if file is not None:
        data = await file.read(cap + 1)
        if len(data) > cap:
            raise InputError(f"文件超过 {cap} 字节 / file larger than {cap} bytes", field="file")
        if not data:
            raise InputError("文件为空 / empty file", field="file")
        name = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "list.txt"
        return data, name, None
    assert url is not None
    data, name = await service.fetch_list_async(url, policy=fetch_policy())
    return data, name, url


def fetch_policy() -> Any:
    """The crawler's address policy (private addresses refused unless the operator allowed them)."""
    from vats.api.queue import QueueSettings, _policy

    return _policy(QueueSettings.from_env())


@router.get("/regulator-lists", summary="已导入的监管名单 / Imported regulator lists")
def get_lists(session: DbSession, actor: Reader, organisation_id: OrgQuery = None) -> list[dict[str, Any]]:
    return [list_json(r) for r in service.list_lists(session, organisation_id=organisation_id)]


@router.post("/regulator-lists/preview", summary="预览列映射（不保存）/ Preview the column mapping")
async def preview(
    session: DbSession,
    actor: Writer,
    file: Annotated[UploadFile | None, File()] = None,
    url: Annotated[str | None, Form(max_length=2000)] = None,
    mapping: Annotated[str | None, Form(max_length=4000)] = None,
) -> dict[str, Any]:
    from vats.checks.regulator_lists import COLUMNS, MAX_BYTES

    data, name, _ = await read_upload(file, url, cap=MAX_BYTES)
    shown = service.preview_list(data=data, filename=name, mapping=parse_mapping(mapping))
    return {
        "filename": shown.filename,
        "header": list(shown.header),
        "mapping": {k: shown.column_of(k) for k in COLUMNS},
        "rows": shown.rows,
        "sample": [entry_json(e) for e in shown.sample],
    }


@router.post("/regulator-lists", status_code=201, summary="导入监管名单并比对 / Import and match a list")
async def import_list(
    response: Response,
    session: DbSession,
    actor: Writer,
    organisation_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    kind: Annotated[str, Form(max_length=20)],
    file: Annotated[UploadFile | None, File()] = None,
    url: Annotated[str | None, Form(max_length=2000)] = None,
    mapping: Annotated[str | None, Form(max_length=4000)] = None,
    owner: Annotated[str | None, Form(max_length=200)] = None,
) -> dict[str, Any]:
    from vats.checks.regulator_lists import MAX_BYTES

    actor.check_visible(organisation_id, what="organisation")
    service.organisation_for(session, organisation_id)  # before any fetch: nothing leaves for a bad id
    data, name, source_url = await read_upload(file, url, cap=MAX_BYTES)
    done = service.import_list(
        session,
        organisation_id=organisation_id,
        kind=kind,
        data=data,
        filename=name,
        actor=actor.name,
        mapping=parse_mapping(mapping),
        source_url=source_url,
        owner=owner,
    )
    response.headers["Location"] = f"/api/v1/regulator-lists/{done.regulator_list.id}"
    return list_json(done.regulator_list) | {
        "known_findings": done.known_findings,
        "findings": [finding_json(f) for f in done.new_findings],
    }


@router.get("/regulator-lists/{list_id}", summary="一份名单及其条目 / One list with its entries")
def get_list(
    list_id: RecordId,
    session: DbSession,
    actor: Reader,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    row = service.get_list(session, list_id=list_id)
    entries = service.list_entries(session, list_id=list_id, limit=limit, offset=offset)
    return list_json(row) | {"entries": [entry_json(e) for e in entries]}


@router.get("/list-findings", summary="名单命中 / Findings from regulator lists")
def get_findings(
    session: DbSession,
    actor: Reader,
    organisation_id: OrgQuery = None,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=10)] = None,
) -> list[dict[str, Any]]:
    rows = service.list_findings(session, organisation_id=organisation_id, licence=licence, status=status)
    return [finding_json(r) for r in rows]


@router.patch("/list-findings/{finding_id}", summary="指派负责人或标记已处理 / Assign or close")
def patch_finding(
    finding_id: RecordId,
    body: Annotated[FindingUpdate, Body()],
    response: Response,
    session: DbSession,
    actor: Writer,
    expected: ExpectedVersion,
) -> dict[str, Any]:
    row = service.update_finding(
        session, finding_id=finding_id, owner=body.owner, status=body.status, expected_version=expected
    )
    return versioned(response, row.version, finding_json(row))


@router.get("/counterparties", summary="交易方 / Counterparties watched on the lists")
def get_counterparties(
    session: DbSession, actor: Reader, organisation_id: OrgQuery = None
) -> list[dict[str, Any]]:
    return [
        counterparty_json(r)
        for r in counterparties.list_counterparties(session, organisation_id=organisation_id)
    ]


@router.post("/counterparties", status_code=201, summary="添加交易方 / Add a counterparty")
def post_counterparty(
    body: Annotated[CounterpartyIn, Body()], session: DbSession, actor: Writer
) -> dict[str, Any]:
    actor.check_visible(body.organisation_id, what="organisation")
    row = counterparties.add_counterparty(session, **body.model_dump())
    return counterparty_json(row)


@router.post("/counterparties/import", summary="从 CSV 导入交易方 / Import counterparties from CSV")
async def import_counterparties(
    session: DbSession,
    actor: Writer,
    organisation_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    file: Annotated[UploadFile, File()],
) -> dict[str, int]:
    actor.check_visible(organisation_id, what="organisation")
    cap = counterparties.MAX_COUNTERPARTY_BYTES
    data = await file.read(cap + 1)
    added, skipped = counterparties.import_counterparties(
        session, organisation_id=organisation_id, data=data, filename=file.filename or "counterparties.csv"
    )
    return {"added": added, "skipped": skipped}


@router.delete("/counterparties/{counterparty_id}", status_code=204, summary="删除交易方 / Remove")
def delete_counterparty(counterparty_id: RecordId, session: DbSession, actor: Writer) -> Response:
    counterparties.delete_counterparty(session, counterparty_id=counterparty_id)
    return Response(status_code=204)
