"""/api/v1/sites and /api/v1/inventory: the websites and apps the visible licences list, and the
declared inventory (CHECKS' `inventory_items`) of the visible organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from vats.api import views
from vats.api.deps import DbSession, Reader
from vats.api.listing import Paged, Paging, paged
from vats.api.types import UtcDateTime
from vats.model.clock import today

router = APIRouter(tags=["sites"])


class SiteOut(BaseModel):
    licence: str
    kind: str
    name: str
    domain: str
    services: list[str]
    server_location: str | None = None


class InventoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation: str
    kind: str
    name: str
    domain: str | None
    owner: str | None
    features: list[str]
    licence: str | None
    source: str | None
    updated_at: UtcDateTime
    version: int


@router.get("/sites", summary="Websites and apps listed on the visible licences")
def list_sites(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    licence: Annotated[str | None, Query(max_length=64)] = None,
) -> Paged[SiteOut]:
    p = views.portfolio(session, actor, as_of=today())
    sites = [
        SiteOut(
            licence=lic.number,
            kind=site.kind.value,
            name=site.name,
            domain=site.domain,
            services=list(site.services),
            server_location=site.server_location,
        )
        for lic in p.licences
        if licence is None or lic.number == licence
        for site in lic.sites
    ]
    return paged(request, response, paging.slice(sites), len(sites), paging)


@router.get("/inventory", summary="Declared inventory of the visible organisations")
def list_inventory(
    request: Request, response: Response, session: DbSession, actor: Reader, paging: Paging
) -> Paged[InventoryOut]:
    from vats.store.checks import list_inventory as store_inventory
    from vats.store.organisations import list_organisations

    rows = store_inventory(session)
    if actor.organisations is not None:
        names = {o.name for o in list_organisations(session) if actor.can_see(o.id)}
        rows = [r for r in rows if r.organisation in names]
    items = [InventoryOut.model_validate(r) for r in paging.slice(rows)]
    return paged(request, response, items, len(rows), paging)
