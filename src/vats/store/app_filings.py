"""APP filing findings of one organisation or one licence, from the stored inventory and licences:
the one place the web pages (and anything else) get them, so the organisation page and the licence
page agree. Each finding points at the inventory row's source (file:line) or the licence text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.errors import NotFoundError
from vats.model.findings import Finding
from vats.store.models import LicenceRecord, Organisation
from vats.store.scope import scope_of


@dataclass(frozen=True, slots=True)
class CheckedApp:
    """One app that was looked at, as a page lists it behind the count: its name, the licence it is
    tied to, its filing number as typed and where vats read it (inventory file:line or licence)."""

    name: str
    licence: str | None
    filing_number: str | None
    source: str


@dataclass(frozen=True, slots=True)
class AppFilingReport:
    """The findings, and the declared apps and licence-listed apps that were looked at (none of
    either means nothing was checked, which a page must not show as "no problems")."""

    findings: list[Finding]
    checked: tuple[CheckedApp, ...]  # declared apps and mini-programs (the inventory)
    listed: tuple[CheckedApp, ...]  # apps the licences name

    @property
    def apps(self) -> int:
        return len(self.checked)

    @property
    def licence_apps(self) -> int:
        return len(self.listed)


def _visible(session: Session, organisation_id: int | None) -> bool:
    allowed = scope_of(session).organisations
    return allowed is None or organisation_id is None or organisation_id in allowed


def app_filing_report(
    session: Session, *, organisation_id: int | None = None, licence: str | None = None
) -> AppFilingReport:
    """Findings for the organisation's declared apps and its licences' apps (or, with `licence`, only
    those about that licence). A reference the caller cannot see answers like a missing one."""
    from vats.checks.app_filings import app_filing_findings
    from vats.store.checks import InventoryItemRow
    from vats.store.licences import load_domain_licences

    if licence is not None:
        found = session.execute(
            select(LicenceRecord.number, LicenceRecord.organisation_id).where(LicenceRecord.number == licence)
        ).first()
        if found is None or not _visible(session, found.organisation_id):
            raise NotFoundError("许可证不存在 / licence not found", field="licence")
        organisation_id = found.organisation_id
    org = session.get(Organisation, organisation_id) if organisation_id is not None else None
    if org is None or not _visible(session, org.id):
        raise NotFoundError("组织不存在 / organisation not found", field="organisation_id")
    numbers = (
        [licence]
        if licence is not None
        else list(
            session.scalars(
                select(LicenceRecord.number).where(
                    LicenceRecord.organisation_id == org.id, LicenceRecord.archived.is_(False)
                )
            )
        )
    )
    query = select(InventoryItemRow).where(
        InventoryItemRow.organisation == org.name, InventoryItemRow.kind == "app"
    )
    rows = list(session.scalars(query.order_by(InventoryItemRow.key)))
    items = [row.to_item() for row in rows]
    where = {id(item): row.source or "清单" for item, row in zip(items, rows, strict=True)}
    licences = load_domain_licences(session, numbers=numbers) if numbers else []
    # Every declared app counts as filed for the licence's apps; only the findings are narrowed.
    all_found = app_filing_findings(items, licences=licences, source=lambda item: where.get(id(item)))
    return AppFilingReport(
        findings=[f for f in all_found if licence is None or f.licence == licence],
        checked=tuple(
            CheckedApp(item.name, item.licence, item.filing_number, where[id(item)])
            for item in items
            if licence is None or item.licence == licence
        ),
        listed=tuple(
            CheckedApp(site.name or site.domain, lic.number, None, f"许可证 {lic.number}")
            for lic in licences
            for site in lic.sites
            if site.kind.value == "app"
        ),
    )
