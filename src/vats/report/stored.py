"""The audits behind a report of stored licences: what `vats report --db …` and scheduled jobs use.

Licences come from the store (archived ones left out), each with the events its registers recorded
and the holder-wide events of its organisation, and are audited in as few engine runs as those allow
(`store.evaluate.evaluate_stored`) — the same inputs the web portfolio evaluates.
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
    from vats.rules.audit import LicenceAudit
    from vats.store.evaluate import evaluate_stored, live_licences
    from vats.store.models import LicenceRecord as L

    query = select(L.number).where(L.archived.is_(False))
    if organisation_id is not None:
        query = query.where(L.organisation_id == organisation_id)
    if numbers is not None:
        query = query.where(L.number.in_(sorted(numbers)))
    missing = sorted(set(numbers or ()) - set(session.scalars(query)))
    if missing:
        raise NotFoundError(f"未找到许可证 / no stored licence {', '.join(missing)}", field="--licence")
    chunks = live_licences(session, numbers=numbers, organisation_id=organisation_id)
    audits = [
        LicenceAudit(licence=e.stored.licence, obligations=e.obligations, findings=e.findings)
        for chunk in evaluate_stored(session, as_of=as_of, chunks=chunks, settings=settings, audit=True)
        for e in chunk
    ]
    return sorted(audits, key=lambda a: a.licence.number)
