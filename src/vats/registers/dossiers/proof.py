"""What vats can show about a licence's services: whether each was launched during the validity period
(Order 42 art. 27: a service never launched is not renewed) and, for an expired licence, which sites
and apps are still operating services that must stop.

Evidence comes from three places already kept: the sites the licence lists with their services, the
declared inventory (an item's features mapped to catalogue codes by features.yaml), and the homepage
check history (a check in the period that reached the site). A service is proven only when a declared
website of that service answered a check inside the period; anything less is a finding that says what
is missing, so the officer attaches other proof instead of the product claiming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.model.clock import CHINA, minute_text
from vats.model.findings import Evidence, Finding, Severity
from vats.model.sources import Reliability, SourceRef
from vats.reference.sources import short

ART_27 = SourceRef(short("order-42"), Reliability.REPRINT, article="第二十七条")
ART_4_292 = SourceRef(short("order-292"), Reliability.OFFICIAL, article="第四条")


@dataclass(frozen=True, slots=True)
class Declared:
    """A site or app said to carry a service: where vats read that."""

    kind: str
    name: str
    domain: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Seen:
    """A homepage check that reached a declared site."""

    result_id: int
    domain: str
    checked_at: datetime
    status_code: int | None
    outcome: str

    @property
    def when(self) -> str:
        return minute_text(self.checked_at)


@dataclass(frozen=True, slots=True)
class ServiceProof:
    code: str
    name: str
    declared: tuple[Declared, ...]
    seen: tuple[Seen, ...]

    @property
    def proven(self) -> bool:
        return bool(self.seen)

    def problem(self, licence: str) -> Finding | None:
        """Why this service lacks proof, as a finding with its source (None when a check in the
        period reached one of its sites)."""
        if self.proven:
            return None
        what = f"{self.code} {self.name}"
        if not self.declared:
            code, zh, en = (
                "dossier.service_not_declared",
                "许可证和网站与应用清单中均没有开展此业务的网站或应用，有效期内未开展的业务不予续期",
                "no site or app is declared for this service; a service never launched is not renewed",
            )
        elif not any(d.domain for d in self.declared if d.kind == "website"):
            code, zh, en = (
                "dossier.service_apps_only",
                "只有应用声明开展此业务，vats 无法检查应用，请在“各项许可业务已实际开展的证明材料”中附上证明",
                "only apps are declared for this service and vats cannot check apps; attach proof",
            )
        else:
            code, zh, en = (
                "dossier.service_not_seen",
                "声明开展此业务的网站在有效期内没有一次首页检查成功访问，请先检查首页或附上其他证明",
                "no homepage check reached a site of this service during the validity period",
            )
        return Finding(
            code,
            Severity.HIGH,
            f"{what}：{zh}",
            f"{what}: {en}",
            licence=licence,
            subject=f"service:{self.code}",
            evidence=tuple(
                Evidence(field="site", value=d.domain or d.name, note=d.source) for d in self.declared
            ),
            sources=(ART_27,),
            tags=("renewal",),
        )

    @property
    def finding(self) -> str | None:
        """The finding's Chinese text, as pages and exports show it."""
        found = self.problem("")
        return found.message_zh if found else None


@dataclass(frozen=True, slots=True)
class LaunchProof:
    period_start: date | None
    period_end: date
    services: tuple[ServiceProof, ...]
    source: SourceRef = ART_27

    def findings(self, licence: str) -> list[Finding]:
        """One finding per licensed service without proof of launch."""
        return [f for f in (s.problem(licence) for s in self.services) if f is not None]


@dataclass(frozen=True, slots=True)
class StopItem:
    """A site or app operating under the expired licence, with its services and last observation."""

    declared: Declared
    services: tuple[str, ...]
    last_seen: Seen | None


@dataclass(frozen=True, slots=True)
class StopList:
    expired_on: date
    services: tuple[str, ...]
    items: tuple[StopItem, ...]
    sources: tuple[SourceRef, ...] = field(default=(ART_27, ART_4_292))


def _matches(code: str, service: str | None) -> bool:
    """A feature's catalogue code falls under a licensed code (B24-1 under B24, B25 under B25)."""
    return bool(service) and (service == code or str(service).startswith(code + "-"))


def _declared(record: Any, session: Session) -> list[tuple[Declared, tuple[str, ...]]]:
    """Every site and app of the licence with the catalogue codes it is said to carry."""
    from vats.checks.features import default_features
    from vats.checks.homepage import normalise_domain
    from vats.store.checks import InventoryItemRow

    out: list[tuple[Declared, tuple[str, ...]]] = []
    where = f"许可证 {record.number}（第 {record.current_revision} 版）所列网站"
    for site in record.data.get("sites") or ():
        domain = normalise_domain(site["domain"]) if site.get("domain") else None
        out.append(
            (
                Declared(site.get("kind") or "website", site.get("name") or "", domain, where),
                tuple(site.get("services") or ()),
            )
        )
    features = default_features()
    rows = session.scalars(
        select(InventoryItemRow)
        .where(InventoryItemRow.licence == record.number)
        .order_by(InventoryItemRow.key)
    )
    for row in rows:
        codes = []
        for feature_id in row.features or ():
            feature = features.get(feature_id)
            if feature is not None and feature.service:
                codes.append(feature.service)
        domain = normalise_domain(row.domain) if row.domain else None
        source = f"网站与应用清单：{row.source or row.key}"
        out.append((Declared(row.kind, row.name, domain, source), tuple(codes)))
    return out


def _seen(session: Session, domains: Iterable[str], start: date | None, end: date) -> dict[str, list[Seen]]:
    """Checks of these domains that reached the site (an HTTP answer below 400) within the period."""
    from vats.store.checks import CheckResultRow

    wanted = sorted(set(domains))
    out: dict[str, list[Seen]] = {}
    if not wanted:
        return out
    stmt = select(CheckResultRow).where(
        CheckResultRow.domain.in_(wanted),
        CheckResultRow.status_code.is_not(None),
        CheckResultRow.status_code < 400,
        CheckResultRow.checked_at < datetime.combine(end, time.max, tzinfo=CHINA),
    )
    if start is not None:
        stmt = stmt.where(CheckResultRow.checked_at >= datetime.combine(start, time.min, tzinfo=CHINA))
    for row in session.scalars(stmt.order_by(CheckResultRow.checked_at.desc()).limit(2000)):
        out.setdefault(row.domain.lower(), []).append(
            Seen(row.id, row.domain, row.checked_at, row.status_code, row.outcome)
        )
    return out


def launch_proof(session: Session, record: Any, *, today: date) -> LaunchProof:
    """Per licensed service, the declared sites and apps and the checks that reached them during the
    validity period (from the first issue, or the printed issue date, to expiry or today)."""
    start = record.first_issued or record.issue_date
    end = min(record.expiry_date, today) if record.expiry_date else today
    declared = _declared(record, session)
    seen = _seen(session, (d.domain for d, _ in declared if d.domain and d.kind == "website"), start, end)
    proofs = []
    for service in record.data.get("services") or ():
        code = service.get("code") or ""
        mine = [d for d, codes in declared if any(_matches(code, c) for c in codes)]
        hits = [s for d in mine if d.domain and d.kind == "website" for s in seen.get(d.domain, ())]
        hits.sort(key=lambda s: s.checked_at, reverse=True)
        proofs.append(ServiceProof(code, service.get("name") or "", tuple(mine), tuple(hits[:5])))
    return LaunchProof(start, end, tuple(proofs))


def _latest(seen: dict[str, list[Seen]], domain: str | None) -> Seen | None:
    found = seen.get(domain or "")
    return found[0] if found else None


def stop_list(session: Session, record: Any, *, today: date) -> StopList:
    """Every site and app still tied to an expired licence, with the services it carries and the last
    time a check reached it (a recent answer means it is still operating)."""
    declared = _declared(record, session)
    seen = _seen(session, (d.domain for d, _ in declared if d.domain), None, today)
    items = [StopItem(d, codes, _latest(seen, d.domain)) for d, codes in declared]
    services = tuple(
        f"{s.get('code')} {s.get('name') or ''}".strip() for s in record.data.get("services") or ()
    )
    return StopList(record.expiry_date, services, tuple(items))
