"""One obligation over HTTP: GET /api/v1/obligations/{id}, and its actions — completions (multipart,
with evidence files), owner, waivers (four-eyes approval) and reopen. Each action is a service call
of `vats.registers.workspace.service`; the response shows the obligation evaluated again."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Response, UploadFile
from pydantic import BaseModel, Field

from vats.api import workspace
from vats.api.deps import DbSession, Reader, Writer
from vats.api.forms import received
from vats.model.clock import today
from vats.model.errors import InputError
from vats.registers.workspace import service

router = APIRouter(tags=["obligations"])

ObligationId = Annotated[str, Path(max_length=40, description="stable obligation id (ob-…)")]


class SourceOut(BaseModel):
    instrument: str
    reliability: str
    article: str | None = None
    item: str | None = None
    note: str | None = None


class EvidenceOut(BaseModel):
    id: int
    filename: str | None = None
    media_type: str | None = None
    size: int = 0
    sm3: str | None = None
    record: str | None = None
    event_id: int | None = None
    created_at: datetime
    created_by: str


class WaiverOut(BaseModel):
    id: int
    state: str
    reason: str
    expires_on: date
    requested_by: str
    decided_by: str | None = None


class HistoryOut(BaseModel):
    action: str
    label: str
    detail: str
    actor: str
    at: datetime
    event_id: int | None = None


class ObligationDetail(BaseModel):
    id: str
    rule_id: str
    licence: str
    subject: str | None = None
    period: str | None = None
    due_date: date | None = None
    status: str
    status_zh: str
    owner: str | None = None
    title_zh: str
    title_en: str
    kind: str
    provisional: bool = False
    provisional_reason: str | None = None
    conditional: str | None = None
    completed_on: date | None = None
    late: bool = False
    window_start: date | None = None
    satisfied_by: str | None = None
    what: dict[str, str]
    sources: list[SourceOut]
    derivation: list[str]
    completion_types: list[str]
    completion_without_evidence: bool
    evidence: list[EvidenceOut]
    waivers: list[WaiverOut]
    history: list[HistoryOut]


class OwnerIn(BaseModel):
    owner: str = Field(min_length=1, max_length=200, description="user name")


class WaiverIn(BaseModel):
    reason: str = Field(min_length=1, max_length=service.MAX_REASON)
    expires_on: date


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=service.MAX_REASON)


def _detail(session: Any, target: service.Target) -> ObligationDetail:
    return ObligationDetail.model_validate(workspace.detail(session, target))


def _fresh(session: Any, target: service.Target) -> ObligationDetail:
    return _detail(session, workspace.refreshed(session, target, as_of=today()))


def _target(session: Any, actor: Any, ident: str) -> service.Target:
    return workspace.find(session, actor, ident, as_of=today())


@router.get("/obligations/{obligation_id}", summary="One obligation: what, why, due date, evidence, history")
def read_obligation(obligation_id: ObligationId, session: DbSession, actor: Reader) -> ObligationDetail:
    return _detail(session, _target(session, actor, obligation_id))


@router.post(
    "/obligations/{obligation_id}/completions",
    status_code=201,
    summary="Record the obligation as done (multipart: done_on, note, files, records)",
)
async def complete_obligation(
    obligation_id: ObligationId,
    session: DbSession,
    actor: Writer,
    done_on: Annotated[date, Form(description="完成日期 / date done")],
    note: Annotated[str | None, Form(max_length=service.MAX_NOTE)] = None,
    files: Annotated[list[UploadFile] | None, File(description="证据文件 / evidence files")] = None,
    records: Annotated[list[str] | None, Form(description="登记记录，如 filing:3 / register records")] = None,
    event_type: Annotated[str | None, Form(max_length=64)] = None,
) -> ObligationDetail:
    target = _target(session, actor, obligation_id)
    received_files = [await received(f) for f in (files or [])[: service.MAX_FILES + 1]]
    uploads = [u for u in received_files if u.filename or u.content]
    if files and len(files) > service.MAX_FILES:
        raise InputError(f"最多上传 {service.MAX_FILES} 个文件 / too many files", field="files")
    service.complete(
        session,
        target=target,
        done_on=done_on,
        note=note,
        files=uploads,
        records=[r for r in (records or []) if r.strip()],
        event_type=event_type or None,
    )
    return _fresh(session, target)


@router.post("/obligations/{obligation_id}/owner", summary="Assign the obligation's owner")
def assign_owner(
    obligation_id: ObligationId, body: OwnerIn, session: DbSession, actor: Writer
) -> ObligationDetail:
    target = _target(session, actor, obligation_id)
    service.assign_owner(session, target=target, owner=body.owner)
    return _detail(session, target)


@router.post(
    "/obligations/{obligation_id}/waivers",
    status_code=201,
    summary="Ask for a waiver (a second person approves)",
)
def request_waiver(
    obligation_id: ObligationId, body: WaiverIn, session: DbSession, actor: Writer
) -> WaiverOut:
    target = _target(session, actor, obligation_id)
    row = service.request_waiver(session, target=target, reason=body.reason, expires_on=body.expires_on)
    return WaiverOut.model_validate(row, from_attributes=True)


@router.post(
    "/obligations/{obligation_id}/waivers/{waiver_id}/approve",
    summary="Approve a waiver request (not by its requester)",
)
def approve_waiver(
    obligation_id: ObligationId,
    waiver_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    session: DbSession,
    actor: Writer,
) -> ObligationDetail:
    target = _target(session, actor, obligation_id)
    service.decide_waiver(session, target=target, request_id=waiver_id, approve=True)
    return _fresh(session, target)


@router.post("/obligations/{obligation_id}/waivers/{waiver_id}/reject", summary="Reject a waiver request")
def reject_waiver(
    obligation_id: ObligationId,
    waiver_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    session: DbSession,
    actor: Writer,
) -> ObligationDetail:
    target = _target(session, actor, obligation_id)
    service.decide_waiver(session, target=target, request_id=waiver_id, approve=False)
    return _detail(session, target)


@router.post("/obligations/{obligation_id}/reopen", summary="Reopen a completed or waived obligation")
def reopen_obligation(
    obligation_id: ObligationId, body: ReasonIn, session: DbSession, actor: Writer
) -> ObligationDetail:
    target = _target(session, actor, obligation_id)
    service.reopen(session, target=target, reason=body.reason)
    return _fresh(session, target)


@router.get(
    "/obligations/{obligation_id}/evidence/{evidence_id}",
    summary="An evidence file, byte for byte (X-Content-SM3 carries its digest)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_evidence(
    obligation_id: ObligationId,
    evidence_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    session: DbSession,
    actor: Reader,
) -> Response:
    target = _target(session, actor, obligation_id)
    row = service.evidence_file(session, target_id=target.id, evidence_id=evidence_id)
    return Response(
        content=row.content or b"",
        media_type=row.media_type or "application/octet-stream",
        headers={
            "X-Content-SM3": row.sm3 or "",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename or 'evidence')}",
        },
    )
