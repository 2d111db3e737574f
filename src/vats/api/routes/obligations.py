"""GET /api/v1/obligations and /findings: the rules engine's view of the visible portfolio."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from vats.api import views, workspace
from vats.api.deps import DbSession, Reader
from vats.api.listing import Paged, Paging, paged
from vats.model.clock import minute_iso, today
from vats.model.findings import Severity
from vats.model.obligation_ids import WORK_LABELS, WorkStatus, engine_status, period_of
from vats.model.serialise import to_jsonable

router = APIRouter(tags=["obligations"])


class SourceOut(BaseModel):
    instrument: str
    reliability: str
    article: str | None = None
    item: str | None = None
    url: str | None = None
    note: str | None = None


class ObligationOut(BaseModel):
    id: str
    key: str
    rule_id: str
    licence: str
    title_zh: str
    title_en: str
    kind: str
    status: WorkStatus
    status_zh: str
    due_date: date | None
    window_start: date | None = None
    subject: str | None = None
    period: str | None = None
    owner: str | None = None
    provisional: bool = False
    provisional_reason: str | None = None
    conditional: str | None = None
    explanation: list[str] = []
    sources: list[SourceOut] = []
    satisfied_by: str | None = None
    completed_on: date | None = None
    late: bool = False
    unverified: bool = Field(
        default=False,
        description="数据未经核实 / the licence is known only from a spreadsheet row: unverified data",
    )
    due_at: str | None = Field(
        default=None,
        description="北京时间，精确到分钟（按小时计算的期限）/ Beijing time to the minute, for deadlines "
        "counted in hours, e.g. 2026-11-21T09:15+08:00; due_date is its date",
    )

    @classmethod
    def of(cls, row: workspace.Row, *, unverified: frozenset[str] = frozenset()) -> ObligationOut:
        ob = row.target.obligation
        data: dict[str, Any] = to_jsonable(ob)
        for name in ("evidence_required", "status", "anchor_date", "event_id"):
            data.pop(name, None)
        data["due_at"] = minute_iso(ob.due_at) if ob.due_at is not None else None
        return cls(
            id=row.target.id,
            key=ob.key,
            unverified=ob.licence in unverified,
            status=row.status,
            status_zh=WORK_LABELS[row.status],
            period=period_of(ob),
            owner=row.owner,
            **data,
        )


class FindingOut(BaseModel):
    id: str
    severity: Severity
    message_zh: str
    message_en: str
    licence: str | None = None
    subject: str | None = None
    evidence: list[dict[str, Any]] = []
    sources: list[SourceOut] = []
    tags: list[str] = []


@router.get("/obligations", summary="Obligations of the visible licences, filtered")
def list_obligations(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: WorkStatus | None = None,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    rule: Annotated[str | None, Query(max_length=100)] = None,
    due_from: date | None = None,
    due_to: date | None = None,
    as_of: date | None = None,
) -> Paged[ObligationOut]:
    from vats.api.obligation_pages import API_RANK, obligation_page

    wanted = views.ObligationFilter(
        status=None if status is None else engine_status(status),
        licence=licence,
        due_from=due_from,
        due_to=due_to,
        rule=rule,
    )
    day = as_of or today()
    if owner is not None:
        everything = obligation_page(session, actor, wanted, as_of=day, rank=API_RANK, offset=0, limit=None)
        owned = [
            r
            for r in workspace.rows_of(session, everything.organisation_of, everything.items)
            if r.owner == owner
        ]
        out = [ObligationOut.of(r, unverified=everything.unverified) for r in paging.slice(owned)]
        return paged(request, response, out, len(owned), paging)
    found = obligation_page(
        session, actor, wanted, as_of=day, rank=API_RANK, offset=paging.offset, limit=paging.per_page
    )
    page_rows = workspace.rows_of(session, found.organisation_of, found.items)
    out = [ObligationOut.of(r, unverified=found.unverified) for r in page_rows]
    return paged(request, response, out, found.total, paging)


@router.get("/findings", summary="Findings of the visible licences, most serious first", tags=["findings"])
def list_findings(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    severity: Severity | None = None,
    as_of: date | None = None,
) -> Paged[FindingOut]:
    p = views.portfolio(session, actor, as_of=as_of or today())
    items = [
        f
        for number, found in sorted(p.findings_by_licence.items())
        if licence is None or number == licence
        for f in found
        if severity is None or f.severity is severity
    ]
    items.sort(key=lambda f: f.severity.rank)
    out = [FindingOut(**to_jsonable(f)) for f in paging.slice(items)]
    return paged(request, response, out, len(items), paging)
