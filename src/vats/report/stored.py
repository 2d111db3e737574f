"""The audits behind a report of stored licences: what `vats report --db …` and scheduled jobs use.

Licences come from the store (archived ones left out), each with the events its registers recorded
and the holder-wide events of its organisation, and are audited in as few engine runs as those allow
(`rules.audit.audit_each`) — the same inputs the web portfolio evaluates.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import NotFoundError

if TYPE_CHECKING:
    from vats.rules.audit import LicenceAudit
    from vats.rules.settings import EngineSettings


def stored_audits(
    session: Session,
    *,
    as_of: date,
    organisation_id: int | None = None,
    numbers: Collection[str] | None = None,
    settings: EngineSettings | None = None,
) -> list[LicenceAudit]:
    """Audits of the stored licences (of one organisation, or the given numbers), by licence number.

    A number that is not stored (or archived) is an error naming it, so a report never silently
    leaves out a licence that was asked for.
    """
    from vats.rules.audit import audit_each
    from vats.store.events import events_of_licences
    from vats.store.licences import load_domain_licences
    from vats.store.models import LicenceRecord as L
    from vats.store.profile_rows import profiles_by_licence

    query = select(L.number, L.organisation_id).where(L.archived.is_(False)).order_by(L.number)
    if organisation_id is not None:
        query = query.where(L.organisation_id == organisation_id)
    if numbers is not None:
        query = query.where(L.number.in_(sorted(numbers)))
    organisation_of = {number: org for number, org in session.execute(query)}
    missing = sorted(set(numbers or ()) - organisation_of.keys())
    if missing:
        raise NotFoundError(f"未找到许可证 / no stored licence {', '.join(missing)}", field="--licence")
    if not organisation_of:
        return []
    licences = sorted(
        load_domain_licences(session, numbers=list(organisation_of)), key=lambda lic: lic.number
    )
    pairs = [(lic, organisation_of[lic.number]) for lic in licences]
    events = events_of_licences(session, pairs)
    profiles = profiles_by_licence(session, organisation_of)
    return audit_each(
        list(zip(licences, events, strict=True)), as_of=as_of, settings=settings, profiles=profiles
    )
