"""GET /api/v1/me and the caller's API tokens and calendar feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from vats.api.deps import Actor, DbSession, Reader, RecordId, Role
from vats.store import accounts

router = APIRouter(prefix="/me", tags=["account"])


class MeOut(BaseModel):
    name: str
    role: Role
    organisations: list[int] | None = Field(description="granted organisation ids; null = all (admin)")
    via: str


class TokenIn(BaseModel):
    name: str = Field(default="api", min_length=1, max_length=100)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    token: str = Field(description="shown once; only its digest is stored")


class FeedOut(BaseModel):
    url: str


@router.get("", summary="Who am I")
def whoami(actor: Actor) -> MeOut:
    orgs = None if actor.organisations is None else sorted(actor.organisations)
    return MeOut(name=actor.name, role=actor.role, organisations=orgs, via=actor.via)


@router.post("/tokens", status_code=201, summary="Create an API token for myself")
def create_token(session: DbSession, actor: Reader, body: Annotated[TokenIn, Body()]) -> TokenOut:
    issued = accounts.create_token(session, user=actor.name, name=body.name)
    return TokenOut(id=issued.id, name=issued.name, prefix=issued.prefix, token=issued.secret)


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke_token(token_id: RecordId, session: DbSession, actor: Reader) -> None:
    accounts.revoke_token(session, user=actor.name, token_id=token_id)


@router.post("/calendar-feed", status_code=201, summary="Create my calendar subscription URL")
def create_feed(request: Request, session: DbSession, actor: Reader) -> FeedOut:
    assert actor.actor_id is not None
    secret = accounts.create_calendar_feed(session, actor_id=actor.actor_id)
    return FeedOut(url=str(request.base_url).rstrip("/") + f"/calendar/{secret}.ics")
