"""The portfolio's own parties to look for on a regulator list: each organisation (the holding) and
each live licence's company, optionally only those of one organisation. The CLI's `vats lists
match` and the list-match job both read them here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.checks.regulator_lists import Party
from vats.store.models import LicenceRecord, Organisation


def portfolio_parties(session: Session, *, organisation_id: int | None = None) -> list[Party]:
    """Holdings and licences (all of them when `organisation_id` is None)."""
    query = select(Organisation)
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    orgs = {o.id: o for o in session.scalars(query)}
    parties = [Party(kind="holding", name=o.name, uscc=o.uscc, label=f"组织 {o.name}") for o in orgs.values()]
    licences = select(LicenceRecord.number, LicenceRecord.company, LicenceRecord.organisation_id).where(
        LicenceRecord.archived.is_(False)
    )
    if organisation_id is not None:
        licences = licences.where(LicenceRecord.organisation_id == organisation_id)
    for number, company, org_id in session.execute(licences):
        org = orgs.get(org_id) if org_id is not None else None
        parties.append(
            Party(
                kind="licence",
                name=company,
                uscc=org.uscc if org else None,
                licence=number,
                label=f"许可证 {number}",
            )
        )
    return parties
