"""What vats already knows for an annual report, each value with its source.

Facts come from the licence (particulars as parsed, with the document line), the organisation, the
declared inventory, the registers' records for the report year (Beijing calendar year) and the
homepage-check history. Counting is batched — one grouped query per register for any number of
licences — so pre-filling an agency's whole portfolio costs about what the counts themselves cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import String, case, cast, func, or_, select, true, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from vats.model.clock import CHINA
from vats.reference.annual_report import COUNTED_FACTS
from vats.rules.workpack import Known
from vats.store.models import LicenceRecord, Organisation


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """The parts of a stored licence the pre-fill reads; `data` holds only those JSON keys. Loading
    these instead of whole rows spares decoding every licence's provisions and sites."""

    number: str
    company: str
    organisation_id: int | None
    current_revision: int
    issue_date: date | None
    expiry_date: date | None
    data: dict[str, Any]
    version: int
    updated_at: Any  # as stored: a marker of change, not decoded


Licensed = LicenceRecord | LicenceFacts
FACT_FIELDS = ("company", "legal_representative", "issue_date", "expiry_date", "services")


def licence_facts(session: Session, *, where: Sequence[Any] = ()) -> list[LicenceFacts]:
    """Live licences (matching `where`) with only the JSON keys the pre-fill uses, in number order."""
    d: Any = LicenceRecord.data
    joined: Any = None
    if session.get_bind().dialect.name == "postgresql":
        # Each path on a `json` value de-toasts and parses the whole document again; converting it
        # to jsonb once per row (a lateral subquery PostgreSQL may not flatten) parses it once.
        doc = cast(LicenceRecord.data, JSONB).label("doc")
        joined = select(doc).correlate(LicenceRecord).offset(0).lateral("parsed")
        d = joined.c.doc
    stmt = (
        select(
            LicenceRecord.number,
            LicenceRecord.company,
            LicenceRecord.organisation_id,
            LicenceRecord.current_revision,
            LicenceRecord.issue_date,
            LicenceRecord.expiry_date,
            LicenceRecord.version,
            type_coerce(LicenceRecord.updated_at, String),
            # Scalars read as SQL text/integers, so only `services` is decoded from JSON per row.
            d["legal_representative"].as_string(),
            d["services"],
            d[("number_info", "region")].as_string(),
            *(d[("provenance", f, "first_line")].as_integer() for f in FACT_FIELDS),
        )
        .where(LicenceRecord.archived.is_(False), *where)
        .order_by(LicenceRecord.number)
    )
    if joined is not None:
        stmt = stmt.select_from(LicenceRecord).join(joined, true())
    out = []
    for row in session.execute(stmt):
        number, company, org, revision, issued, expires, version, updated, rep, services, region, *spans = row
        data: dict[str, Any] = {
            "legal_representative": rep,
            "services": services or [],
            "number_info": {"region": region},
            "provenance": {
                f: {"first_line": line}
                for f, line in zip(FACT_FIELDS, spans, strict=True)
                if line is not None
            },
        }
        out.append(LicenceFacts(number, company, org, revision, issued, expires, data, version, updated))
    return out


def _year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = datetime.combine(first, time.min, tzinfo=CHINA)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=CHINA)
    return first, last, start, end


def complaint_reply_days() -> int:
    """The reply deadline the complaint.reply rule uses (a configurable, UNCONFIRMED number): the
    deployment's setting when it names one, else the rule's default."""
    from vats.rules.settings import configured_settings, known_numbers

    return configured_settings().number(
        "complaint_reply_days", known_numbers().get("complaint_reply_days", 15)
    )


def _line(record: Licensed, field: str) -> str:
    span = (record.data.get("provenance") or {}).get(field)
    where = f"第 {span['first_line']} 行" if isinstance(span, dict) and "first_line" in span else "解析结果"
    return f"许可证 {record.number}（第 {record.current_revision} 版）{where}"


_LINES = {
    "licence.company": "company",
    "licence.legal_representative": "legal_representative",
    "licence.issue_date": "issue_date",
    "licence.expiry_date": "expiry_date",
    "licence.services": "services",
}
"""Pre-filled licence particulars and the parsed field whose document line is their source."""


def _licence_values(record: Licensed, organisation: Organisation | None) -> dict[str, Any]:
    data = record.data
    out: dict[str, Any] = {"licence.number": record.number, "licence.company": record.company}
    if data.get("legal_representative"):
        out["licence.legal_representative"] = data["legal_representative"]
    if record.issue_date:
        out["licence.issue_date"] = record.issue_date.isoformat()
    if record.expiry_date:
        out["licence.expiry_date"] = record.expiry_date.isoformat()
    codes = service_codes(record)
    if codes:
        out["licence.services"] = "、".join(codes)
    if organisation is not None and organisation.uscc:
        out["organisation.uscc"] = organisation.uscc
    return out


class _Sources:
    """Where each of one licence's pre-filled values came from, written when a page asks."""

    __slots__ = ("inventory", "organisation", "period", "record")

    def __init__(
        self,
        record: Licensed,
        organisation: Organisation | None,
        inventory: Sequence[Any],
        period: Mapping[str, str],
    ) -> None:
        self.record, self.organisation, self.inventory, self.period = record, organisation, inventory, period

    def __call__(self, key: str) -> str:
        if key in self.period:
            return self.period[key]
        if key in _LINES:
            return _line(self.record, _LINES[key])
        if key == "licence.number":
            return f"许可证 {self.record.number}"
        if key == "organisation.uscc" and self.organisation is not None:
            return f"组织档案：{self.organisation.name}"
        return _inventory_sources(self.inventory)[key]


def service_codes(record: Licensed) -> list[str]:
    """The licensed services' catalogue codes in licence order (the per-service rows of 业务发展)."""
    seen: list[str] = []
    for service in record.data.get("services") or ():
        code = service.get("code") if isinstance(service, dict) else None
        if code and code not in seen:
            seen.append(code)
    return seen


def _grouped(session: Session, stmt: Any) -> dict[str, tuple[int, ...]]:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in session.execute(stmt)}


class Holder(Protocol):
    """What counting needs of a licence: its number, and the company and organisation its
    inventory and organisation record are found by."""

    @property
    def number(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def organisation_id(self) -> int | None: ...


@dataclass(frozen=True)
class Tally:
    """The report year's counts for a set of licences, read once (one grouped query per register),
    from which each licence's pre-filled values are derived."""

    sources: Mapping[str, str]  # the year's source texts, shared by every licence's counts
    complaints: Mapping[str, Sequence[int]]
    cases: Mapping[str, tuple[int, ...]]
    incidents: Mapping[str, tuple[int, ...]]
    assessments: Mapping[str, tuple[int, ...]]
    changes: Mapping[str, tuple[int, ...]]
    checks: Mapping[str, tuple[int, ...]]
    inventory: Mapping[str, Sequence[Any]]
    organisations: Mapping[int, Organisation]

    def counts(self, number: str) -> tuple[int, ...]:
        """A licence's register counts in `COUNTED_FACTS` order."""
        return (
            *self.complaints.get(number, (0, 0)),
            *self.cases.get(number, (0, 0)),
            *self.incidents.get(number, (0, 0)),
            *self.assessments.get(number, (0,)),
            *self.changes.get(number, (0,)),
            *self.checks.get(number, (0, 0)),
        )

    def inputs(self, holder: Holder) -> tuple[Any, ...]:
        """Everything of the year's registers, inventory and organisation record that a licence's
        pre-filled values and their sources are made from (the licence's own row aside)."""
        org = self.organisations.get(holder.organisation_id or -1)
        inventory = tuple(tuple(row) for row in self.inventory.get(holder.number, ()))
        return self.counts(holder.number), inventory, (org.name, org.uscc) if org is not None else None

    def known(self, record: Licensed) -> Known:
        """A licence's pre-filled values, each source written when asked for."""
        organisation = self.organisations.get(record.organisation_id or -1)
        values = _licence_values(record, organisation)
        values.update(zip(COUNTED_FACTS, self.counts(record.number), strict=True))
        items = self.inventory.get(record.number, ())
        values.update(_inventory_values(items))
        return Known(values, _Sources(record, organisation, items, self.sources))


def prefill_many(
    session: Session, records: Sequence[Licensed], *, year: int, whole_portfolio: bool = False
) -> dict[str, Known]:
    """Pre-filled values per licence number for one report year (grouped queries, not one per licence)."""
    found = tally(session, records, year=year, whole_portfolio=whole_portfolio)
    return {r.number: found.known(r) for r in records}


def tally(session: Session, records: Sequence[Holder], *, year: int, whole_portfolio: bool = False) -> Tally:
    """The year's register counts, inventory and organisations of these licences; for the whole
    portfolio the registers are read without a list of numbers (rows of others are ignored)."""
    from vats.registers.assessments.models import Assessment
    from vats.registers.cases.models import DisposalCase
    from vats.registers.changes.models import CorporateChange
    from vats.registers.complaints.models import Complaint
    from vats.registers.incidents.models import Incident
    from vats.store.checks import CheckResultRow, InventoryItemRow

    numbers = [r.number for r in records]

    def of(col: Any) -> Any:
        """Rows of these licences; for the whole portfolio no IN list (rows of others are ignored)."""
        return true() if whole_portfolio else col.in_(numbers)

    first, last, start, end = _year_bounds(year)
    period = f"{year} 年度（{first} 至 {last}）"

    org_ids = {r.organisation_id for r in records if r.organisation_id is not None}
    orgs = (
        {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
        if org_ids
        else {}
    )

    reply_days = complaint_reply_days()
    complaints: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for number, received, replied in session.execute(
        select(Complaint.licence, Complaint.received_at, Complaint.replied_at).where(
            of(Complaint.licence), Complaint.received_at >= first, Complaint.received_at <= last
        )
    ):
        complaints[number][0] += 1
        if replied is not None and replied <= received + timedelta(days=reply_days):
            complaints[number][1] += 1

    def in_year(col: Any) -> Any:
        return case((col.between(first, last), 1), else_=0)

    cases = _grouped(
        session,
        select(
            DisposalCase.licence,
            func.sum(in_year(DisposalCase.disposed_at)),
            func.sum(in_year(DisposalCase.reported_at)),
        )
        .where(of(DisposalCase.licence))
        .where(
            or_(DisposalCase.disposed_at.between(first, last), DisposalCase.reported_at.between(first, last))
        )
        .group_by(DisposalCase.licence),
    )
    incidents = _grouped(
        session,
        select(Incident.licence, func.count(), func.count(Incident.reported_at))
        .where(of(Incident.licence), Incident.started_at >= start, Incident.started_at < end)
        .group_by(Incident.licence),
    )
    assessments = _grouped(
        session,
        select(Assessment.licence, func.count())
        .where(of(Assessment.licence), Assessment.completed_at.between(first, last))
        .group_by(Assessment.licence),
    )
    changes = _grouped(
        session,
        select(CorporateChange.licence, func.count())
        .where(of(CorporateChange.licence), CorporateChange.filed_at.between(first, last))
        .group_by(CorporateChange.licence),
    )
    failed = case((CheckResultRow.outcome.in_(("fail", "error")), 1), else_=0)
    checks = _grouped(
        session,
        select(CheckResultRow.licence, func.count(), func.sum(failed))
        .where(
            of(CheckResultRow.licence),
            CheckResultRow.checked_at >= start,
            CheckResultRow.checked_at < end,
        )
        .group_by(CheckResultRow.licence),
    )
    inventory = _inventory(session, records, InventoryItemRow, whole_portfolio=whole_portfolio)

    # The source texts depend on the year only: written once, shared by every licence's values.
    src = {
        "complaints.received": f"用户投诉登记簿：{period}受理",
        "complaints.answered_in_time": (
            f"用户投诉登记簿：{period}受理且 {reply_days} 日内答复（规则 complaint.reply，可配置）"
        ),
        "cases.disposed": f"违法信息处置登记簿：{period}处置",
        "cases.reported": f"违法信息处置登记簿：{period}报告",
        "incidents.count": f"网络安全事件登记簿：{period}发生",
        "incidents.reported": f"网络安全事件登记簿：{period}发生且已报告",
        "assessments.completed": f"安全评估登记簿：{period}完成",
        "changes.filed": f"公司变更登记簿：{period}已办理",
        "site_checks.count": f"首页检查记录：{period}检查结果",
        "site_checks.failed": f"首页检查记录：{period}未通过或无法访问",
    }
    return Tally(src, complaints, cases, incidents, assessments, changes, checks, inventory, orgs)


def _inventory(
    session: Session, records: Sequence[Holder], model: Any, *, whole_portfolio: bool
) -> dict[str, list[Any]]:
    """Sites and apps declared for each licence (or, without a licence, for its company), as rows of
    plain columns; for the whole portfolio every row is read and the others' are ignored."""
    by_number = {r.number: r for r in records}
    by_company: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_company[r.company].append(r.number)
    stmt = select(
        model.licence, model.organisation, model.kind, model.key, model.name, model.domain, model.owner,
        model.source,
    )  # fmt: skip
    if not whole_portfolio:
        stmt = stmt.where(
            or_(
                model.licence.in_(list(by_number)),
                model.licence.is_(None) & model.organisation.in_(list(by_company)),
            )
        )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(stmt):
        if row.licence is not None:
            if row.licence in by_number:
                grouped[row.licence].append(row)
            continue
        for number in by_company.get(row.organisation, ()):
            grouped[number].append(row)
    return grouped


_NONE_DECLARED = {"inventory.websites": 0, "inventory.apps": 0, "inventory.domains": 0}


def _inventory_values(items: Sequence[Any]) -> dict[str, Any]:
    if not items:
        return _NONE_DECLARED
    owners = sorted({i.owner for i in items if i.owner})
    sites = sum(1 for i in items if i.kind == "website")
    out: dict[str, Any] = {
        "inventory.websites": sites,
        "inventory.apps": len(items) - sites,
        "inventory.domains": len({i.domain for i in items if i.domain}),
    }
    if owners:
        out["inventory.owners"] = "、".join(owners)
    return out


def _inventory_sources(items: Sequence[Any]) -> dict[str, str]:
    if not items:
        return dict.fromkeys(_NONE_DECLARED, "网站与应用清单：无登记")
    sites = sorted((i for i in items if i.kind == "website"), key=lambda i: i.key)
    apps = sorted((i for i in items if i.kind != "website"), key=lambda i: i.key)
    where = "、".join(sorted({i.source for i in items if i.source})[:5]) or "清单"
    return {
        "inventory.websites": f"网站与应用清单（{where}）：{'、'.join(i.key for i in sites)}",
        "inventory.apps": f"网站与应用清单（{where}）：{'、'.join(i.name for i in apps)}",
        "inventory.domains": f"网站与应用清单（{where}）：不同域名数",
        "inventory.owners": f"网站与应用清单（{where}）：负责人",
    }


def prefill_one(session: Session, record: Licensed, *, year: int) -> Known:
    return prefill_many(session, [record], year=year)[record.number]
