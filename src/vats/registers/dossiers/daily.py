"""Launch-proof findings where the officer looks every day (the licence page, the compliance report),
not only on the renewal dossier's own page: Order 42 art. 27 refuses to renew a service that was never
launched, so a missing proof matters long before the application is sent.

Each finding carries the dossier it comes from, so every place that shows it links back to the dossier
where the proof is attached. Only renewal dossiers still in progress (being prepared or applied for)
count; once approved the question is settled. Reads within the session's organisation scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.findings import Finding
from vats.registers.dossiers.models import Dossier
from vats.registers.dossiers.proof import launch_proof
from vats.registers.dossiers.service import APPROVED
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of

MAX_LICENCES = 5000  # one query per chunk of numbers; a report holds far fewer


@dataclass(frozen=True, slots=True)
class LaunchFinding:
    """A licensed service without proof of launch, and the renewal dossier that should hold the proof."""

    dossier_id: int
    finding: Finding

    @property
    def href(self) -> str:
        return f"/dossiers/{self.dossier_id}"


def launch_findings(
    session: Session, *, licences: Iterable[str], today: date
) -> dict[str, tuple[LaunchFinding, ...]]:
    """Per licence number, the launch-proof findings of its latest renewal dossier still in progress
    (licences without one are absent). Numbers outside the session's scope find nothing."""
    numbers = sorted(set(licences))[:MAX_LICENCES]
    if not numbers:
        return {}
    scope = scope_of(session)
    latest: dict[str, Dossier] = {}
    for start in range(0, len(numbers), 500):
        stmt = (
            select(Dossier)
            .where(
                Dossier.kind == "renewal",
                Dossier.status != APPROVED,
                Dossier.licence.in_(numbers[start : start + 500]),
                *scope.where(Dossier.organisation_id, unowned=True),
            )
            .order_by(Dossier.opened_on.desc(), Dossier.id.desc())
        )
        for dossier in session.scalars(stmt):
            latest.setdefault(dossier.licence, dossier)
    if not latest:
        return {}
    records = session.scalars(
        select(LicenceRecord).where(
            LicenceRecord.number.in_(sorted(latest)),
            LicenceRecord.archived.is_(False),
            *scope.where(LicenceRecord.organisation_id),
        )
    )
    out: dict[str, tuple[LaunchFinding, ...]] = {}
    for record in records:
        dossier = latest[record.number]
        proof = launch_proof(session, record, today=today)
        found = tuple(LaunchFinding(dossier.id, f) for f in proof.findings(record.number))
        if found:
            out[record.number] = found
    return out
