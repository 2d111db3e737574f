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
from typing import Any

from sqlalchemy import case, func, or_, select, true
from sqlalchemy.orm import Session

from vats.model.clock import CHINA
from vats.rules.workpack import Prefilled
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


Licensed = LicenceRecord | LicenceFacts
FACT_FIELDS = ("company", "legal_representative", "issue_date", "expiry_date", "services")


def licence_facts(session: Session, *, where: Sequence[Any] = ()) -> list[LicenceFacts]:
    """Live licences (matching `where`) with only the JSON keys the pre-fill uses, in number order."""
    d = LicenceRecord.data
    stmt = (
        select(
            LicenceRecord.number,
            LicenceRecord.company,
            LicenceRecord.organisation_id,
            LicenceRecord.current_revision,
            LicenceRecord.issue_date,
            LicenceRecord.expiry_date,
            # Scalars read as SQL text/integers, so only `services` is decoded from JSON per row.
            d["legal_representative"].as_string(),
            d["services"],
            d[("number_info", "region")].as_string(),
            *(d[("provenance", f, "first_line")].as_integer() for f in FACT_FIELDS),
        )
        .where(LicenceRecord.archived.is_(False), *where)
        .order_by(LicenceRecord.number)
    )
    out = []
    for row in session.execute(stmt):
        number, company, org, revision, issued, expires, rep, services, region, *spans = row
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
        out.append(LicenceFacts(number, company, org, revision, issued, expires, data))
    return out


def _year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    start = datetime.combine(first, time.min, tzinfo=CHINA)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=CHINA)
    return first, last, start, end


def complaint_reply_days() -> int:
    """The reply deadline the complaint.reply rule uses (a configurable, UNCONFIRMED number)."""
    from vats.rules.settings import known_numbers

    return known_numbers().get("complaint_reply_days", 15)


def _line(record: Licensed, field: str) -> str:
    span = (record.data.get("provenance") or {}).get(field)
    where = f"第 {span['first_line']} 行" if isinstance(span, dict) and "first_line" in span else "解析结果"
    return f"许可证 {record.number}（第 {record.current_revision} 版）{where}"


def _licence_facts(record: Licensed, organisation: Organisation | None) -> dict[str, Prefilled]:
    data = record.data
    out: dict[str, Prefilled] = {
        "licence.number": Prefilled(record.number, f"许可证 {record.number}"),
        "licence.company": Prefilled(record.company, _line(record, "company")),
    }
    if data.get("legal_representative"):
        out["licence.legal_representative"] = Prefilled(
            data["legal_representative"], _line(record, "legal_representative")
        )
    if record.issue_date:
        out["licence.issue_date"] = Prefilled(record.issue_date.isoformat(), _line(record, "issue_date"))
    if record.expiry_date:
        out["licence.expiry_date"] = Prefilled(record.expiry_date.isoformat(), _line(record, "expiry_date"))
    codes = service_codes(record)
    if codes:
        out["licence.services"] = Prefilled("、".join(codes), _line(record, "services"))
    if organisation is not None and organisation.uscc:
        out["organisation.uscc"] = Prefilled(organisation.uscc, f"组织档案：{organisation.name}")
    return out


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


def prefill_many(
    session: Session, records: Sequence[Licensed], *, year: int, whole_portfolio: bool = False
) -> dict[str, dict[str, Prefilled]]:
    """Pre-filled values per licence number for one report year (grouped queries, not one per licence)."""
    from vats.registers.assessments.models import Assessment
    from vats.registers.cases.models import DisposalCase
    from vats.registers.changes.models import CorporateChange
    from vats.registers.complaints.models import Complaint
    from vats.registers.incidents.models import Incident
    from vats.store.checks import CheckResultRow, InventoryItemRow

    if not records:
        return {}
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
    inventory = _inventory(session, records, InventoryItemRow)

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
    empty = _empty_inventory()
    out: dict[str, dict[str, Prefilled]] = {}
    for record in records:
        n = record.number
        n_received, in_time = complaints.get(n, (0, 0))
        disposed, reported = cases.get(n, (0, 0))
        total, inc_reported = incidents.get(n, (0, 0))
        count, bad = checks.get(n, (0, 0))
        values = {
            "complaints.received": n_received,
            "complaints.answered_in_time": in_time,
            "cases.disposed": disposed,
            "cases.reported": reported,
            "incidents.count": total,
            "incidents.reported": inc_reported,
            "assessments.completed": assessments.get(n, (0,))[0],
            "changes.filed": changes.get(n, (0,))[0],
            "site_checks.count": count,
            "site_checks.failed": bad,
        }
        facts = _licence_facts(record, orgs.get(record.organisation_id or -1))
        facts.update({key: Prefilled(value, src[key]) for key, value in values.items()})
        facts.update(inventory.get(n) or empty)
        out[n] = facts
    return out


def _empty_inventory() -> dict[str, Prefilled]:
    source = "网站与应用清单：无登记"
    return {
        "inventory.websites": Prefilled(0, source),
        "inventory.apps": Prefilled(0, source),
        "inventory.domains": Prefilled(0, source),
    }


def _inventory(session: Session, records: Sequence[Licensed], model: Any) -> dict[str, dict[str, Prefilled]]:
    """Sites and apps declared for each licence (or, without a licence, for its company)."""
    by_number = {r.number: r for r in records}
    by_company: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_company[r.company].append(r.number)
    # Plain columns, not mapped objects: the counts and source texts need nothing else.
    rows = session.execute(
        select(
            model.licence, model.organisation, model.kind, model.key, model.name, model.domain, model.owner,
            model.source,
        ).where(
            or_(
                model.licence.in_(list(by_number)),
                model.licence.is_(None) & model.organisation.in_(list(by_company)),
            )
        )
    ).all()  # fmt: skip
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        targets = [row.licence] if row.licence in by_number else by_company.get(row.organisation, [])
        for number in targets:
            grouped[number].append(row)
    out: dict[str, dict[str, Prefilled]] = {}
    for number, items in grouped.items():
        sites = sorted((i for i in items if i.kind == "website"), key=lambda i: i.key)
        apps = sorted((i for i in items if i.kind != "website"), key=lambda i: i.key)
        where = "、".join(sorted({i.source for i in items if i.source})[:5]) or "清单"
        owners = sorted({i.owner for i in items if i.owner})
        facts = {
            "inventory.websites": Prefilled(
                len(sites), f"网站与应用清单（{where}）：{'、'.join(i.key for i in sites)}"
            ),
            "inventory.apps": Prefilled(
                len(apps), f"网站与应用清单（{where}）：{'、'.join(i.name for i in apps)}"
            ),
            "inventory.domains": Prefilled(
                len({i.domain for i in items if i.domain}), f"网站与应用清单（{where}）：不同域名数"
            ),
        }
        if owners:
            facts["inventory.owners"] = Prefilled("、".join(owners), f"网站与应用清单（{where}）：负责人")
        out[number] = facts
    return out


def prefill_one(session: Session, record: Licensed, *, year: int) -> Mapping[str, Prefilled]:
    return prefill_many(session, [record], year=year)[record.number]
