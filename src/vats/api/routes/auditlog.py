"""/api/v1/auditlog: read the tamper-evident trail and verify its SM3 hash chain (admin, auditor).

Auditors read the entries of the organisations they are granted, like every other role; admins read
all of them. Verification covers the whole chain (it reports counts and hashes, no contents)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, computed_field
from sqlalchemy import select

from vats.api.deps import AuditReader, DbSession
from vats.api.listing import Paged, Paging, paged
from vats.api.types import UtcDateTime
from vats.store.listing import paginate

router = APIRouter(prefix="/auditlog", tags=["audit log"])


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    actor: str
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def entity_zh(self) -> str:
        """What the entry touched, in Chinese (`licences` → 许可证)."""
        from vats.report.labels import AUDIT_ENTITIES, audit_label

        return audit_label(AUDIT_ENTITIES, self.entity)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def action_zh(self) -> str:
        """What happened, in Chinese (`insert` → 新增)."""
        from vats.report.labels import AUDIT_ACTIONS, audit_label

        return audit_label(AUDIT_ACTIONS, self.action)


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str | None = None
    root: str = ""


@router.get("", summary="Audit entries, newest first")
def list_entries(
    request: Request,
    response: Response,
    session: DbSession,
    actor: AuditReader,
    paging: Paging,
    entity: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=200)] = None,
    by: Annotated[str | None, Query(max_length=200, description="actor name")] = None,
) -> Paged[AuditEntryOut]:
    from vats.store.auditlog import AuditEntry as A
    from vats.store.auditlog import readable

    where: list[Any] = []
    if entity:
        where.append(A.entity == entity)
    if entity_id:
        where.append(A.entity_id == entity_id)
    if by:
        where.append(A.actor == by)
    query = readable(select(A).where(*where), actor.organisations)
    result = paginate(session, query.order_by(A.id.desc()), page=paging)
    return paged(request, response, [AuditEntryOut.model_validate(r) for r in result], result.total, paging)


@router.get(
    "/verify", summary="Recompute the hash chain and Merkle root; ok=false names the first broken entry"
)
def verify(session: DbSession, actor: AuditReader) -> VerifyOut:
    from vats.store.auditlog import verify as store_verify

    result = store_verify(session)
    return VerifyOut(
        ok=result.ok,
        entries=result.entries,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        broken_at=result.broken_at,
        reason=result.reason,
        root=result.root,
    )
