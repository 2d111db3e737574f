"""Stored homepage-check evidence and the declared inventory.

`check_runs` / `check_results` are evidence: written once, never changed or deleted (mapper hooks
refuse updates and deletes), so "did the homepage display the number on 3 March?" is answered from
what was recorded that day. They do not mix in `Audited`: each row already carries its own SM3 body
digest, and the `site_check_passed` / `site_check_failed` events written with every run go through
the audited `events` table, which chains the evidence reference into the tamper-evident log.
`inventory_items` is ordinary mutable data (re-imported, edited) and is audited and versioned.

Licences are referenced by their canonical number (a string), so evidence survives a licence record
being re-imported and checks of a licence FILE can be stored without importing the licence first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from vats.checks.inventory import InventoryItem
from vats.checks.results import CheckResult, SiteReport, SiteTarget
from vats.model.clock import CHINA, now_utc
from vats.model.errors import RefusedError
from vats.model.licence import SiteKind
from vats.model.obligations import Event
from vats.model.serialise import to_jsonable
from vats.store.audit import Audited, organisation_via
from vats.store.base import Base
from vats.store.scope import scope_of

if TYPE_CHECKING:
    from vats.checks.fetch import FetchSettings
    from vats.checks.net import NetPolicy


class CheckRun(Base):
    """One invocation of the crawler: when, by whom, with which limits, and the totals."""

    __tablename__ = "check_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    # licence number(s), file name, "all", or one site of a job or period (`site_scope`)
    scope: Mapped[str] = mapped_column(String(500), index=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    sites: Mapped[int] = mapped_column(Integer)
    sites_passed: Mapped[int] = mapped_column(Integer)
    sites_failed: Mapped[int] = mapped_column(Integer)


class CheckResultRow(Base):
    """One check of one homepage with its evidence (URLs, status, timing, snippet, SM3 body digest)."""

    __tablename__ = "check_results"
    __table_args__ = (Index("ix_check_results_domain_checked_at", "domain", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("check_runs.id", ondelete="RESTRICT"), index=True)
    licence: Mapped[str | None] = mapped_column(String(64), index=True)
    domain: Mapped[str] = mapped_column(String(253))
    check_kind: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(40))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    requested_url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[float] = mapped_column(Float)
    body_sm3: Mapped[str | None] = mapped_column(String(64))
    body_bytes: Mapped[int] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column(Boolean)
    snippet: Mapped[str | None] = mapped_column(Text)
    snippet_start: Mapped[int | None] = mapped_column(Integer)
    in_footer: Mapped[bool | None] = mapped_column(Boolean)
    link: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)  # the full CheckEvidence and sources


class InventoryItemRow(Audited, Base):
    """One declared site or app of an organisation (`organisation` is "" when none was given)."""

    __tablename__ = "inventory_items"
    __table_args__ = (
        UniqueConstraint("organisation", "kind", "key", name="uq_inventory_items_org_kind_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(253))  # domain, or name for apps without one (lower case)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(253))
    owner: Mapped[str | None] = mapped_column(String(200))
    features: Mapped[list[str]] = mapped_column(JSON)
    server_location: Mapped[str | None] = mapped_column(Text)
    access_provider: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)  # file:line it was imported from
    filing_number: Mapped[str | None] = mapped_column(String(64), default=None)  # APP备案号 as declared
    package_name: Mapped[str | None] = mapped_column(String(255), default=None)
    stores: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def audit_organisation(self, conn: Connection) -> int | None:
        from vats.store.models import Organisation

        return organisation_via(conn, Organisation.id, Organisation.name, self.organisation or None)

    def to_item(self) -> InventoryItem:
        return InventoryItem(
            kind=SiteKind(self.kind),
            name=self.name,
            domain=self.domain,
            owner=self.owner,
            features=tuple(self.features or ()),
            server_location=self.server_location,
            access_provider=self.access_provider,
            licence=self.licence,
            filing_number=self.filing_number,
            package_name=self.package_name,
            stores=tuple(self.stores or ()),
        )


def _refuse(action: str) -> Any:
    def hook(_mapper: Mapper[Any], _conn: Any, target: Any) -> None:
        raise RefusedError(
            f"检查证据不可{action} / check evidence is insert-only ({type(target).__tablename__})"
        )

    return hook


for _model in (CheckRun, CheckResultRow):
    event.listen(_model, "before_update", _refuse("修改"))
    event.listen(_model, "before_delete", _refuse("删除"))


def _row(run: CheckRun, result: CheckResult) -> CheckResultRow:
    ev = result.evidence
    first = ev.snippets[0] if ev.snippets else None
    return CheckResultRow(
        run_id=run.id,
        licence=result.licence,
        domain=result.domain,
        check_kind=result.check.value,
        outcome=result.outcome.value,
        code=result.code,
        message_zh=result.message_zh,
        message_en=result.message_en,
        requested_url=ev.requested_url,
        final_url=ev.final_url,
        status_code=ev.status,
        elapsed_ms=ev.elapsed_ms,
        body_sm3=ev.body_sm3,
        body_bytes=ev.body_bytes,
        truncated=ev.truncated,
        snippet=first.text if first else None,
        snippet_start=first.start if first else None,
        in_footer=first.in_footer if first else None,
        link=first.link if first else None,
        checked_at=ev.fetched_at or run.finished_at,
        evidence={"evidence": to_jsonable(ev), "sources": to_jsonable(result.sources)},
    )


def record_run(
    session: Session,
    *,
    reports: Sequence[SiteReport],
    scope: str,
    options: dict[str, Any],
    started_at: datetime,
    finished_at: datetime | None = None,
) -> CheckRun:
    """Store a run, its results, and one `site_check_passed`/`site_check_failed` event per site."""
    from vats.store.events import record_event

    finished = finished_at or now_utc()
    passed = sum(1 for r in reports if r.passed)
    run = CheckRun(
        started_at=started_at,
        finished_at=finished,
        actor=scope_of(session).actor,
        scope=scope[:500],
        options=to_jsonable(options),
        sites=len(reports),
        sites_passed=passed,
        sites_failed=len(reports) - passed,
    )
    session.add(run)
    session.flush()
    for report in reports:
        rows = [_row(run, result) for result in report.results]
        session.add_all(rows)
        session.flush()
        record_event(session, event=_site_event(run, report, rows, finished))
    return run


def _site_event(
    run: CheckRun, report: SiteReport, rows: Sequence[CheckResultRow], finished: datetime
) -> Event:
    """The `site_check_passed` / `site_check_failed` event of one site, naming its stored evidence."""
    digest = next((r.body_sm3 for r in rows if r.body_sm3), None)
    checked = (report.results[0].evidence.fetched_at if report.results else None) or finished
    return Event(
        type="site_check_passed" if report.passed else "site_check_failed",
        date=checked.astimezone(CHINA).date(),
        licence=report.target.licence,
        fields={
            "domain": report.target.domain,
            "evidence": f"check_run:{run.id} check_results:{rows[0].id}-{rows[-1].id}"
            + (f" sm3:{digest}" if digest else ""),
            "note": ", ".join(sorted({r.code for r in report.results if r.outcome.failed})) or "ok",
        },
    )


def record_site_runs(
    session: Session,
    *,
    items: Sequence[tuple[str, SiteReport]],
    options: dict[str, Any],
    started_at: datetime,
) -> list[CheckRun]:
    """Store one run per site, each under its own scope (`items`: scope, report), with its results
    and event, like `record_run` for each, but in three flushes whatever the number of sites: one
    audit append covers all the events, so storing a batch takes the audit chain's lock once."""
    from vats.store.events import event_row
    from vats.store.models import LicenceRecord

    finished = now_utc()
    actor = scope_of(session).actor
    stored_options = to_jsonable(options)
    runs = [
        CheckRun(
            started_at=started_at,
            finished_at=finished,
            actor=actor,
            scope=scope[:500],
            options=stored_options,
            sites=1,
            sites_passed=int(report.passed),
            sites_failed=int(not report.passed),
        )
        for scope, report in items
    ]
    session.add_all(runs)
    session.flush()
    rows = [
        [_row(run, result) for result in report.results]
        for run, (_s, report) in zip(runs, items, strict=True)
    ]
    session.add_all([row for site in rows for row in site])
    session.flush()
    numbers = sorted({r.target.licence for _s, r in items if r.target.licence})
    licences = LicenceRecord.__table__
    query = select(licences.c.number, licences.c.organisation_id).where(licences.c.number.in_(numbers))
    organisation_of = {number: org for number, org in session.execute(query)}
    session.add_all(
        [
            event_row(
                _site_event(run, report, site, finished),
                organisation_id=organisation_of.get(report.target.licence or ""),
            )
            for run, (_s, report), site in zip(runs, items, rows, strict=True)
        ]
    )
    session.flush()
    return runs


def history(
    session: Session, *, domain: str, on: date | None = None, limit: int = 500
) -> list[CheckResultRow]:
    """Stored results for a domain (newest first); `on` selects one calendar day in Beijing time."""
    query = select(CheckResultRow).where(CheckResultRow.domain == domain.lower().rstrip("."))
    if on is not None:
        # Bounds in UTC: SQLite keeps timestamps as naive UTC text and would drop an offset unconverted.
        start = datetime.combine(on, time.min, CHINA).astimezone(UTC)
        query = query.where(
            CheckResultRow.checked_at >= start, CheckResultRow.checked_at < start + timedelta(days=1)
        )
    query = query.order_by(CheckResultRow.checked_at.desc(), CheckResultRow.id).limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class InventorySync:
    """What an import changed."""

    added: int
    updated: int
    removed: int
    unchanged: int


def _key(item: InventoryItem) -> str:
    return (item.domain or item.name).lower()


def import_inventory(
    session: Session, *, items: Sequence[InventoryItem], organisation: str = "", source: str | None = None
) -> InventorySync:
    """Make the stored inventory of `organisation` equal to `items` (the file is the declaration)."""
    now = now_utc()
    existing = {
        (row.kind, row.key): row
        for row in session.scalars(
            select(InventoryItemRow).where(InventoryItemRow.organisation == organisation)
        )
    }
    added = updated = unchanged = 0
    seen: set[tuple[str, str]] = set()
    changes: list[tuple[str | None, str, str]] = []  # (licence, site, change kind) for the 30-day rule
    for item in items:
        key = (item.kind.value, _key(item))
        seen.add(key)
        values = {
            "name": item.name,
            "domain": item.domain,
            "owner": item.owner,
            "features": list(item.features),
            "server_location": item.server_location,
            "access_provider": item.access_provider,
            "licence": item.licence,
            "filing_number": item.filing_number,
            "package_name": item.package_name,
            "stores": list(item.stores),
        }
        row = existing.get(key)
        if row is None:
            where = f"{source}:{item.line}" if source and item.line else source
            session.add(
                InventoryItemRow(
                    organisation=organisation, kind=key[0], key=key[1], source=where, updated_at=now, **values
                )
            )
            added += 1
            changes.append((item.licence, key[1], "website_address"))
        elif any(getattr(row, k) != v for k, v in values.items()):
            if row.domain != item.domain:
                changes.append((item.licence or row.licence, key[1], "website_address"))
            elif list(row.features or ()) != list(item.features):
                changes.append((item.licence or row.licence, key[1], "service_items"))
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    removed = 0
    for key, row in existing.items():
        if key not in seen:
            changes.append((row.licence, key[1], "website_address"))
            session.delete(row)
            removed += 1
    session.flush()
    if existing:  # a first declaration changes nothing; later ones show planned or made changes
        _record_service_changes(session, changes)
    return InventorySync(added, updated, removed, unchanged)


def _record_service_changes(session: Session, changes: Sequence[tuple[str | None, str, str]]) -> None:
    """A site added, removed, moved or given other features in the declared inventory of a licensed
    site is a change of website address or service items, which Order 292 art. 11 wants filed 30 days
    before it takes effect: record `service_change_planned` (without an effective date, which only the
    user knows) so the rule asks for the date and the filing."""
    from vats.model.clock import today
    from vats.model.obligations import Event
    from vats.store.events import record_event
    from vats.store.models import LicenceRecord

    numbers = {n for n, _, _ in changes if n}
    stored = set(session.scalars(select(LicenceRecord.number).where(LicenceRecord.number.in_(numbers))))
    day = today()
    for number, site, kind in changes:
        if number in stored:
            fields = {"subject": f"inventory/{site}", "change_kind": kind, "domain": site}
            record_event(session, event=Event("service_change_planned", day, number, fields=fields))


def list_inventory(session: Session, *, organisation: str | None = None) -> list[InventoryItemRow]:
    """Stored inventory rows, optionally of one organisation, ordered by organisation, kind and key."""
    query = select(InventoryItemRow)
    if organisation is not None:
        query = query.where(InventoryItemRow.organisation == organisation)
    return list(
        session.scalars(
            query.order_by(InventoryItemRow.organisation, InventoryItemRow.kind, InventoryItemRow.key)
        )
    )


def site_targets(session: Session, *, numbers: Collection[str] | None = None) -> list[SiteTarget]:
    """The homepages a check run visits: every site the stored licences list and, for a run over the
    whole portfolio (`numbers` None), declared inventory websites no licence lists, checked against
    the licence they name. The CLI, the API's "check now" and the scheduler all select through here."""
    from vats.checks.homepage import normalise_domain, targets_for
    from vats.store.licences import load_domain_licences

    licences = load_domain_licences(session, numbers=numbers)
    targets = [t for lic in licences for t in targets_for(lic)]
    if numbers is None:
        listed_by = {t.licence: t.listed_domains for t in targets}
        expiry_of = {t.licence: t.expires for t in targets}
        seen = {t.domain for t in targets}
        for row in list_inventory(session):
            domain = normalise_domain(row.domain) if row.domain else None
            if row.kind == "website" and domain and domain not in seen:
                seen.add(domain)
                listed = listed_by.get(row.licence, frozenset()) | {domain}
                targets.append(SiteTarget(domain, row.licence, listed, row.name, expiry_of.get(row.licence)))
    return targets


def site_scope(key: str, domain: str) -> str:
    """The stored scope of one site's result within one piece of work (`period:<minute>` for a
    scheduled round, `job:<id>` for a requested check): the key that makes storing it idempotent."""
    return f"{key} site:{domain}"


def check_and_record(
    engine: Engine,
    *,
    targets: Sequence[SiteTarget],
    key: str,
    actor: str,
    job_id: int | None = None,
    policy: NetPolicy | None = None,
    settings: FetchSettings | None = None,
    options: dict[str, Any] | None = None,
    per_transaction: int = 1,
) -> list[int]:
    """Crawl `targets` together and store each site's result as its own run; the ids of the runs
    stored. Every site check, whoever asks for it, goes through here.

    Idempotent: a site whose `site_scope(key, domain)` is stored already is neither fetched nor
    stored again, so a batch retried after its worker died, or delivered twice, leaves one result
    per site. `options` are stored with each run (the worker that ran it). Results commit
    `per_transaction` sites at a time, each with its audited events and the job's progress, so a
    kill loses at most the sites of the transaction in flight (retried), never half of one; more
    sites per transaction take the audit chain's lock and pay a commit less often."""
    from vats.checks.homepage import run_checks
    from vats.store import background
    from vats.store.db import session_scope

    scopes = {site_scope(key, t.domain): t for t in targets}
    with session_scope(engine, actor=actor) as session:
        stored = set(session.scalars(select(CheckRun.scope).where(CheckRun.scope.in_(list(scopes)))))
    todo = [t for s, t in scopes.items() if s not in stored]
    if not todo:
        return []
    started = now_utc()
    reports = run_checks(todo, settings=settings, policy=policy)
    ids: list[int] = []
    step = max(1, per_transaction)
    for start in range(0, len(reports), step):
        chunk = {site_scope(key, r.target.domain): r for r in reports[start : start + step]}
        with session_scope(engine, actor=actor) as session:
            # a twin delivery may have stored some while this one crawled
            twins = set(session.scalars(select(CheckRun.scope).where(CheckRun.scope.in_(list(chunk)))))
            fresh = [(scope, report) for scope, report in chunk.items() if scope not in twins]
            runs = record_site_runs(
                session,
                items=fresh,
                options={"trigger": actor, "key": key, **(options or {})},
                started_at=started,
            )
            if job_id is not None and runs:
                background.advance(session, job_id=job_id, by=len(runs))
            session.flush()
            ids.extend(int(run.id) for run in runs)
    return ids


def latest_results(session: Session, *, domains: Collection[str]) -> dict[str, CheckResultRow]:
    """Each domain's most recent homepage check result (any outcome); domains never checked are absent."""
    from sqlalchemy import func, select

    wanted = sorted({d.lower() for d in domains})
    out: dict[str, CheckResultRow] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        latest = (
            select(func.max(CheckResultRow.id).label("id"))
            .where(CheckResultRow.domain.in_(chunk))
            .group_by(CheckResultRow.domain)
            .subquery()
        )
        rows = session.scalars(select(CheckResultRow).join(latest, CheckResultRow.id == latest.c.id))
        out.update({row.domain.lower(): row for row in rows})
    return out
