"""/api/v1/organisations: the licence holders a caller may see, and (admins) grants to users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from vats.api.deps import Admin, DbSession, Reader, RecordId, Writer
from vats.api.listing import Paged, Paging, paged
from vats.api.types import UtcDateTime
from vats.model.errors import NotFoundError
from vats.store import accounts

router = APIRouter(prefix="/organisations", tags=["organisations"])


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    uscc: str | None
    region: str | None
    created_at: UtcDateTime
    version: int
    profile: dict[str, bool] = Field(
        default_factory=dict,
        description="组织档案（重要数据处理者、大型网络平台……）：决定数据类规则是否适用 / the profile keys "
        "that decide whether the data-law rules apply",
    )


class ProfilePatch(BaseModel):
    """Profile keys to set; the others keep their values."""

    model_config = ConfigDict(extra="forbid")

    important_data_processor: bool | None = None
    large_platform: bool | None = None
    processes_personal_information: bool | None = None
    sensitive_pi_processing: bool | None = None
    provides_data_to_others: bool | None = None


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = Field(default=None, max_length=18, description="统一社会信用代码 (18 characters)")
    region: str | None = Field(default=None, max_length=8)


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1, max_length=200)


@router.get("", summary="Organisations visible to the caller")
def list_organisations(
    request: Request, response: Response, session: DbSession, actor: Reader, paging: Paging
) -> Paged[OrganisationOut]:
    from vats.store.organisations import list_organisations as store_list

    orgs = [o for o in store_list(session) if actor.can_see(o.id)]
    items = [OrganisationOut.model_validate(o) for o in paging.slice(orgs)]
    return paged(request, response, items, len(orgs), paging)


@router.post("", status_code=201, summary="Create an organisation (admin)")
def create_organisation(
    body: Annotated[OrganisationIn, Body()], response: Response, session: DbSession, actor: Admin
) -> OrganisationOut:
    from vats.store.organisations import add_organisation

    org = add_organisation(session, name=body.name, uscc=body.uscc, region=body.region)
    response.headers["Location"] = f"/api/v1/organisations/{org.id}"
    return OrganisationOut.model_validate(org)


@router.get("/{organisation_id}", summary="One organisation (404 when not granted)")
def get_organisation(organisation_id: RecordId, session: DbSession, actor: Reader) -> OrganisationOut:
    from vats.store.models import Organisation
    from vats.store.profiles import profile_of

    org = session.get(Organisation, organisation_id)
    if org is None or not actor.can_see(org.id):
        raise NotFoundError(f"organisation {organisation_id} not found / 组织不存在", field="id")
    out = OrganisationOut.model_validate(org)
    out.profile = profile_of(session, organisation_id=org.id)
    return out


@router.patch("/{organisation_id}/profile", summary="Set organisation profile keys (officer or admin)")
def patch_profile(
    organisation_id: RecordId, body: Annotated[ProfilePatch, Body()], session: DbSession, actor: Writer
) -> OrganisationOut:
    from vats.store.profiles import set_profile

    get_organisation(organisation_id, session, actor)  # 404 for a foreign organisation, as for a missing one
    values = {k: v for k, v in body.model_dump().items() if v is not None}
    set_profile(session, organisation_id=organisation_id, values=values)
    return get_organisation(organisation_id, session, actor)


@router.post("/{organisation_id}/grants", status_code=204, summary="Let a user see this organisation (admin)")
def grant_organisation(
    organisation_id: RecordId, body: Annotated[GrantIn, Body()], session: DbSession, actor: Admin
) -> None:
    get_organisation(organisation_id, session, actor)
    accounts.grant(session, name=body.user, organisation_id=organisation_id)
