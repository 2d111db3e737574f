"""/api/v1/copies: issue purpose-bound licence copies, the register of copies, revocation, and the
public verification of a copy's QR statement (no login: whoever received a copy may check it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from vats.api.deps import DbSession, Reader, Writer
from vats.api.ratelimit import limited
from vats.api.types import UtcDateTime
from vats.model.clock import today
from vats.model.copystatement import MAX_TEXT, Verdict
from vats.store import copies as store

router = APIRouter(prefix="/copies", tags=["copies"])

CopyId = Annotated[str, Path(min_length=1, max_length=20, description="copy id, e.g. VC-7KQ3-M9XA")]


class CopyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=64, description="许可证号 / licence number")
    recipient: str = Field(min_length=1, max_length=store.MAX_RECIPIENT, description="接收方 / recipient")
    purpose: str = Field(min_length=1, max_length=store.MAX_PURPOSE, description="用途 / purpose")
    until: date = Field(description="副本有效期至 / the copy is valid until")


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=store.MAX_REASON)


class CopyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    copy_id: str
    licence_number: str
    revision: int | None
    recipient: str
    purpose: str
    issued_on: date
    expires_on: date
    issued_at: UtcDateTime
    issued_by: str
    source: str
    source_sm3: str
    output_sm3: str | None
    kid: str
    revoked_at: UtcDateTime | None
    revoked_by: str | None
    revoke_reason: str | None
    state: str = ""
    state_label: str = ""

    @classmethod
    def of(cls, row: store.LicenceCopy) -> CopyOut:
        out = cls.model_validate(row)
        state = row.state_on(today())
        out.state, out.state_label = state.code, state.label
        return out


class RecipientOut(BaseModel):
    recipient: str
    copies: int


class VerdictOut(BaseModel):
    state: str
    label: str
    copy_id: str | None = None
    licence: str | None = None
    recipient: str | None = None
    purpose: str | None = None
    issued: date | None = None
    expires: date | None = None
    reason: str = ""
    revocation_checked: bool = False
    checked_at: datetime | None = None

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictOut:
        s = verdict.statement
        return cls(
            state=verdict.state.code,
            label=verdict.state.label,
            copy_id=s.copy_id if s else None,
            licence=s.licence if s else None,
            recipient=s.recipient if s else None,
            purpose=s.purpose if s else None,
            issued=s.issued if s else None,
            expires=s.expires if s else None,
            reason=verdict.reason,
            revocation_checked=verdict.revocation_checked,
        )


def _attachment(data: bytes, name: str, media_type: str, copy_id: str) -> Response:
    return Response(
        content=data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Copy-Id": copy_id,
            "Location": f"/api/v1/copies/{copy_id}",
        },
        status_code=201,
    )


@router.post(
    "",
    summary="Issue a watermarked, signed copy of a licence (the PDF, or page 1 as PNG) and register it",
    status_code=201,
    response_class=Response,
    responses={201: {"content": {"application/pdf": {}, "image/png": {}}}},
)
def issue(
    body: CopyIn,
    session: DbSession,
    actor: Writer,
    format: Annotated[Literal["pdf", "png"], Query()] = "pdf",
) -> Response:
    from vats.report.copies import issue_copy

    issued = issue_copy(
        session, number=body.number, recipient=body.recipient, purpose=body.purpose, until=body.until
    )
    copy_id = issued.copy.copy_id
    if format == "png":
        return _attachment(issued.pngs[0], f"{copy_id}.png", "image/png", copy_id)
    return _attachment(issued.pdf, f"{copy_id}.pdf", "application/pdf", copy_id)


@router.get("", summary="The register of copies issued, newest first (by recipient, licence, state)")
def list_copies(
    session: DbSession,
    actor: Reader,
    recipient: Annotated[str | None, Query(max_length=store.MAX_RECIPIENT)] = None,
    licence: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[Literal["valid", "expired", "revoked"] | None, Query()] = None,
) -> list[CopyOut]:
    rows = store.list_copies(session, recipient=recipient, number=licence, state=state)
    return [CopyOut.of(r) for r in rows]


@router.get("/recipients", summary="Recipients and how many copies each was given")
def recipients(session: DbSession, actor: Reader) -> list[RecipientOut]:
    return [RecipientOut(recipient=r, copies=n) for r, n in store.recipients(session)]


@router.get("/{copy_id}", summary="One copy of the register")
def get_copy(copy_id: CopyId, session: DbSession, actor: Reader) -> CopyOut:
    return CopyOut.of(store.get_copy(session, copy_id=copy_id))


@router.get(
    "/{copy_id}/pdf",
    summary="The copy's PDF exactly as issued",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def copy_pdf(copy_id: CopyId, session: DbSession, actor: Reader) -> Response:
    row = store.get_copy(session, copy_id=copy_id)
    return Response(
        content=row.pdf or b"",
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{row.copy_id}.pdf"'},
    )


@router.post("/{copy_id}/revoke", summary="Revoke a copy at once (audited); verification says revoked")
def revoke(copy_id: CopyId, session: DbSession, actor: Writer, body: RevokeIn | None = None) -> CopyOut:
    row = store.revoke_copy(session, copy_id=copy_id, reason=body.reason if body else None)
    return CopyOut.of(row)


public = APIRouter(prefix="/copies", tags=["copies"])


@public.get(
    "/verify",
    summary="Verify a copy's QR statement (public, no login; rate-limited per address)",
    dependencies=[limited("verify")],
)
def verify(request: Request, s: Annotated[str, Query(min_length=1, max_length=MAX_TEXT)]) -> VerdictOut:
    from vats.model.keyring import Keyring
    from vats.store.db import session_scope

    with session_scope(request.app.state.engine, actor="public:verify") as session:
        verdict = store.verify_online(session, text=s, keys=Keyring().public_keys())
    return VerdictOut.of(verdict)
