"""Licence-intrinsic validation: what is wrong with a licence document on its own, as of a date.

Nothing here needs events, a database or the network: dates (expiry, renewal window, validity
length), the number against its issuer and coverage (Telecom Regulations art. 9), servers against the
coverage where the licence's own provisions demand facilities inside it, sites listed under one
business type but not another, suspicious OCR values and missing fields. Each finding has a stable
id, bilingual messages, evidence pointing at the source line, and sources with their reliability.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from vats.ingest.numbers import NumberError, parse
from vats.model.catalogue import Region
from vats.model.dates import add_years
from vats.model.errors import InputError
from vats.model.findings import Evidence, Finding, Severity
from vats.model.licence import Licence, LicenceTitle, Provision, ProvisionItem, Service, Site
from vats.model.numbers import NumberKind
from vats.model.numerals import to_cn
from vats.model.sources import Reliability, SourceRef
from vats.reference.catalogue import entry
from vats.reference.regions import NATIONWIDE, all_regions, by_name, region_of_address
from vats.reference.sources import short
from vats.rules.horizon import renewal_days_before, renewal_sources

if TYPE_CHECKING:
    from vats.rules.settings import EngineSettings

# --- configurable numbers (regulations.md §1.4, §1.6; see the notes on reliability) ---------------------
VALIDITY_YEARS = 5  # VATS licences run 5 years [reprint/practice]; the Order 42 article is UNCONFIRMED
VALIDITY_TOLERANCE_DAYS = 31  # "5 years" vs "5 years − 1 day" is UNCONFIRMED; allow a month either way
RENEWAL_WARNING_DAYS = 30  # warn this many days before the renewal deadline

ORDER_42 = short("order-42")
REGULATIONS = short("telecom-regulations")
LICENCE_PROVISIONS = short("licence-provisions")
FACT_SHEET = short("fact-sheet")

SRC_VALIDITY = SourceRef(
    "电信业务经营许可证管理办法（2001年，信息产业部令第19号）",
    Reliability.REPRINT,
    article="第十三条",
    note="增值电信业务经营许可证有效期5年；现行办法中的条文号未核实 / current article UNCONFIRMED",
)
SRC_ISSUER = SourceRef(
    REGULATIONS, Reliability.OFFICIAL, article="第九条", note="跨省经营由工信部发证，单省由该省通信管理局发证"
)
SRC_EXPIRY = SourceRef(ORDER_42, Reliability.PRACTICE, article="第二十七条", note="期满未续办的不得继续经营")
SRC_SERVER_RULE = SourceRef(
    FACT_SHEET,
    Reliability.UNCONFIRMED,
    article="§9(4)",
    note="未找到关于B2业务服务器须位于覆盖范围内的一般规定 / no general rule found for B2 servers",
)
SRC_LICENCE_TEXT = SourceRef(
    "经营许可证", Reliability.LICENCE, note="许可证正文与附页 / the licence document"
)
SRC_COMPANY_REGION = SourceRef(
    "vats 推断 / vats inference",
    Reliability.UNCONFIRMED,
    note="省级许可证通常颁发给本省注册的企业：推断，资料未载明；电信条例第九条只规定省级许可证的覆盖范围 / "
    "provincial licences usually going to companies registered in that province is an inference no "
    "source states; Telecom Regulations art. 9 only ties a provincial licence's coverage to its province",
)

# Licence provisions that require facilities inside the coverage area, found by content, not number.
_FACILITY_PROVISION = re.compile(r"在(?:许可的)?(?:业务)?覆盖范围内(?:组建|建设|设置|部署)[^。；;]*?设施")


@dataclass(frozen=True, slots=True)
class _Ctx:
    licence: Licence
    as_of: date
    settings: EngineSettings | None = None

    def line(self, key: str) -> int | None:
        span = self.licence.provenance.get(key)
        return span.first_line if span is not None else None

    def evidence(self, key: str, value: object, note: str | None = None) -> Evidence:
        return Evidence(
            field=key, value=None if value is None else str(value), line=self.line(key), note=note
        )

    def finding(
        self,
        fid: str,
        severity: Severity,
        zh: str,
        en: str,
        evidence: Iterable[Evidence],
        sources: Iterable[SourceRef],
        *,
        subject: str | None = None,
        tags: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(
            id=fid,
            severity=severity,
            message_zh=zh,
            message_en=en,
            licence=self.licence.number or None,
            subject=subject,
            evidence=tuple(evidence),
            sources=tuple(sources),
            tags=tags,
        )


# --- missing fields ----------------------------------------------------------------------------------
_MANDATORY: tuple[tuple[str, str, str, Severity], ...] = (
    ("number", "经营许可证编号", "licence number", Severity.HIGH),
    ("company", "公司名称", "company name", Severity.HIGH),
    ("expiry_date", "有效期至", "expiry date", Severity.HIGH),
    ("issue_date", "发证日期", "issue date", Severity.MEDIUM),
    ("legal_representative", "法定代表人", "legal representative", Severity.MEDIUM),
)


def _missing_fields(ctx: _Ctx) -> Iterator[Finding]:
    for key, zh, en, severity in _MANDATORY:
        if not getattr(ctx.licence, key):
            yield ctx.finding(
                "field.missing",
                severity,
                f"许可证缺少必备事项：{zh}",
                f"the licence has no {en}",
                [Evidence(field=key)],
                [SRC_LICENCE_TEXT],
                subject=key,
            )


# --- dates -----------------------------------------------------------------------------------------------
def _expired(ctx: _Ctx) -> Iterator[Finding]:
    expiry = ctx.licence.expiry_date
    if expiry is not None and ctx.as_of > expiry:
        days = (ctx.as_of - expiry).days
        yield ctx.finding(
            "licence.expired",
            Severity.CRITICAL,
            f"许可证已于 {expiry} 到期（截至 {ctx.as_of} 已过期 {days} 天），不得继续经营相关业务",
            f"the licence expired on {expiry} ({days} days before {ctx.as_of}); "
            "the business may not continue",
            [ctx.evidence("expiry_date", expiry)],
            [SRC_EXPIRY],
        )


def renewal_deadline(expiry: date, *, settings: EngineSettings | None = None) -> date:
    """Last day to apply for renewal: `expiry` minus the rule's days, through the project calendar.

    The calendar's default policy moves a deadline that falls on a rest day to the previous working
    day (as the rules engine does), or as the settings' roll policy says. Outside the years the
    holiday calendar covers, the plain calendar-day date is used (no rest-day adjustment is possible).
    """
    from vats.rules.calendar import Direction, RollPolicy, Unit, default_calendar

    days = renewal_days_before(settings)
    calendar = default_calendar()
    policy = settings.roll if settings is not None else None
    try:
        return calendar.add_period(expiry, days, Unit.DAYS, Direction.BEFORE, policy).date
    except InputError:  # before the first supported calendar year
        return calendar.add_period(
            expiry, days, Unit.DAYS, Direction.BEFORE, RollPolicy(before_rule="keep")
        ).date


def _renewal(ctx: _Ctx) -> Iterator[Finding]:
    expiry = ctx.licence.expiry_date
    if expiry is None:
        return
    days, sources = renewal_days_before(ctx.settings), renewal_sources()
    deadline = renewal_deadline(expiry, settings=ctx.settings)
    evidence = [ctx.evidence("expiry_date", expiry), Evidence(field="renewal_deadline", value=str(deadline))]
    if ctx.as_of > deadline:
        yield ctx.finding(
            "licence.renewal_deadline_passed",
            Severity.HIGH,
            f"续办申请期限（到期日 {expiry} 前 {days} 日，即 {deadline}）已过；逾期申请的不予续办",
            f"the renewal deadline ({days} days before expiry {expiry}: {deadline}) has passed; "
            "a late application is refused",
            evidence,
            sources,
        )
    elif ctx.as_of >= deadline - timedelta(days=RENEWAL_WARNING_DAYS):
        yield ctx.finding(
            "licence.renewal_deadline_near",
            Severity.MEDIUM,
            f"续办申请须在 {deadline} 前提出（距今 {(deadline - ctx.as_of).days} 天）",
            f"apply for renewal by {deadline} ({(deadline - ctx.as_of).days} days left)",
            evidence,
            sources,
        )


def _validity(ctx: _Ctx) -> Iterator[Finding]:
    issued, expiry = ctx.licence.issue_date, ctx.licence.expiry_date
    if issued is None or expiry is None:
        return
    evidence = [ctx.evidence("issue_date", issued), ctx.evidence("expiry_date", expiry)]
    if expiry <= issued:
        yield ctx.finding(
            "licence.dates_inconsistent",
            Severity.HIGH,
            f"有效期至 {expiry} 不晚于发证日期 {issued}",
            f"the expiry date {expiry} is not after the issue date {issued}",
            evidence,
            [SRC_LICENCE_TEXT],
        )
        return
    expected = add_years(issued, VALIDITY_YEARS)
    gap = (expiry - expected).days
    if abs(gap) <= VALIDITY_TOLERANCE_DAYS:
        return
    months = round((expiry - issued).days / 30.44)
    far_short = (expiry - issued).days < (expected - issued).days / 2
    if gap > 0:
        zh_how, en_how = "长于", "longer than"
    elif far_short:
        zh_how, en_how = "远短于", "far shorter than"
    else:
        zh_how, en_how = "短于", "shorter than"
    zh = f"有效期约 {months} 个月（{issued} 至 {expiry}），{zh_how}通常的 {VALIDITY_YEARS} 年"
    en = f"validity is about {months} months ({issued} to {expiry}), {en_how} {VALIDITY_YEARS} years"
    yield ctx.finding(
        "licence.validity_unusual",
        Severity.HIGH if far_short else Severity.MEDIUM,
        zh + "；请核对日期是否识别有误或许可证是否为临时/变更件",
        en + "; check the dates for a reading error, or whether this is a temporary or amended licence",
        evidence,
        [SRC_VALIDITY],
    )


def _issued_in_future(ctx: _Ctx) -> Iterator[Finding]:
    issued = ctx.licence.issue_date
    if issued is not None and issued > ctx.as_of:
        yield ctx.finding(
            "licence.issued_in_future",
            Severity.MEDIUM,
            f"发证日期 {issued} 晚于评估日 {ctx.as_of}",
            f"the issue date {issued} is after the assessment date {ctx.as_of}",
            [ctx.evidence("issue_date", issued)],
            [SRC_LICENCE_TEXT],
        )


# --- number, issuer, coverage -------------------------------------------------------------------------
def _compact(text: str) -> str:
    return "".join(text.split())


def _issuer_key(name: str) -> str:
    """One key per authority however it is written: 工信部 / 工业和信息化部 -> MIIT, 重庆通信管理局 -> CQ."""
    compact = _compact(name).removeprefix("中华人民共和国")
    if compact in ("工业和信息化部", "工信部"):
        return "MIIT"
    region = by_name(compact.removesuffix("通信管理局")) if compact.endswith("通信管理局") else None
    return region.code if region is not None else compact


def _number(ctx: _Ctx) -> Iterator[Finding]:
    lic = ctx.licence
    if not lic.number:
        return
    try:
        info = parse(lic.number)
    except NumberError as exc:
        yield ctx.finding(
            "number.invalid",
            Severity.HIGH,
            f"许可证编号 {lic.number} 格式无效：{exc.message}",
            f"the licence number {lic.number} is malformed: {exc.message}",
            [ctx.evidence("number", lic.number)],
            [SRC_LICENCE_TEXT],
        )
        return
    if info.kind is not NumberKind.VATS_LICENCE and lic.title != LicenceTitle.ICP.value:
        yield ctx.finding(
            "number.wrong_kind",
            Severity.HIGH,
            f"{lic.number} 是{'ICP备案号' if info.kind is NumberKind.ICP_FILING else 'ICP证号'}，"
            "不是增值电信业务经营许可证编号",
            f"{lic.number} is an {info.kind.value.replace('_', ' ')}, not a VATS licence number",
            [ctx.evidence("number", lic.number)],
            [SRC_LICENCE_TEXT],
        )
    if (
        lic.issuer is not None
        and lic.issuer.stated
        and _issuer_key(lic.issuer.name) != _issuer_key(info.issuer)
    ):
        yield ctx.finding(
            "number.issuer_mismatch",
            Severity.HIGH,
            f"发证机关为“{lic.issuer.name}”，但编号 {info.canonical} 应由{info.issuer}颁发",
            f"the stated issuer is {lic.issuer.name}, but the number {info.canonical} "
            f"belongs to {info.issuer}",
            [ctx.evidence("issuer", lic.issuer.name), ctx.evidence("number", lic.number)],
            [SRC_ISSUER],
        )
    cross_title = lic.title == LicenceTitle.CROSS_REGIONAL.value
    if info.kind is NumberKind.VATS_LICENCE and cross_title != info.cross_regional:
        yield ctx.finding(
            "number.title_mismatch",
            Severity.MEDIUM,
            f"证书名称“{lic.title}”与编号 {info.canonical} 的发证层级不符",
            f"the certificate title {lic.title} does not match the level of the number {info.canonical}",
            [ctx.evidence("title", lic.title), ctx.evidence("number", lic.number)],
            [SRC_ISSUER],
        )
    yield from _coverage(ctx, info.region, info.region_name, info.cross_regional)
    yield from _company_region(ctx, info.region, info.region_name)


def _coverage_region(name: str) -> Region | None:
    """The region a coverage entry names (重庆市, 重庆, or a place inside one)."""
    return by_name(name) or region_of_address(name)


def _coverage_regions(names: Iterable[str]) -> tuple[set[str], bool, list[str]]:
    """(region codes, nationwide?, unrecognised names) for a coverage list."""
    codes: set[str] = set()
    unknown: list[str] = []
    nationwide = False
    for name in names:
        if _compact(name) == NATIONWIDE:
            nationwide = True
        elif (region := _coverage_region(name)) is not None:
            codes.add(region.code)
        else:
            unknown.append(name)
    return codes, nationwide, unknown


def _coverage(ctx: _Ctx, region: str | None, region_name: str | None, cross: bool) -> Iterator[Finding]:
    for i, svc in enumerate(ctx.licence.services):
        codes, nationwide, unknown = _coverage_regions(svc.coverage)
        key = f"services[{i}]"
        evidence = [ctx.evidence(key, "、".join(svc.coverage))]
        if not svc.coverage:
            yield ctx.finding(
                "coverage.missing",
                Severity.LOW,
                f"{svc.name}（{svc.code}）未载明业务覆盖范围",
                f"no coverage is stated for {svc.code}",
                evidence,
                [SRC_ISSUER],
                subject=svc.code,
            )
        if unknown:
            yield ctx.finding(
                "coverage.unrecognised",
                Severity.LOW,
                f"{svc.code} 的覆盖范围“{'、'.join(unknown)}”无法对应到省级行政区，请核对",
                f"{svc.code} coverage {', '.join(unknown)} names no known province; check the reading",
                evidence,
                [SRC_LICENCE_TEXT],
                subject=svc.code,
            )
        if not cross and region is not None and (nationwide or codes - {region}):
            outside = [
                c
                for c in svc.coverage
                if ((r := _coverage_region(c)) is not None and r.code != region) or _compact(c) == NATIONWIDE
            ]
            yield ctx.finding(
                "coverage.outside_number_region",
                Severity.HIGH,
                f"{svc.name}（{svc.code}）的覆盖范围含 {'、'.join(outside)}，超出省级编号所属的{region_name}",
                f"{svc.code} coverage includes {', '.join(outside)}, outside {region_name} where the "
                "provincial number was issued",
                evidence,
                [SRC_ISSUER],
                subject=svc.code,
            )
        elif cross and not nationwide and len(codes) == 1 and svc.coverage_stated:
            yield ctx.finding(
                "coverage.single_region_cross_regional",
                Severity.LOW,
                f"跨地区编号下的 {svc.code} 仅覆盖一个省份（{'、'.join(svc.coverage)}）",
                f"{svc.code} under a cross-regional number covers a single province "
                f"({', '.join(svc.coverage)})",
                evidence,
                [SRC_ISSUER],
                subject=svc.code,
            )


def _company_region(ctx: _Ctx, region: str | None, region_name: str | None) -> Iterator[Finding]:
    company = _compact(ctx.licence.company or "")
    if region is None or not company:
        return
    named = next(
        (r for r in all_regions() if any(company.startswith(p) for p in (r.name, r.short, *r.places))), None
    )
    if named is not None and named.code != region:
        yield ctx.finding(
            "number.company_region_mismatch",
            Severity.LOW,
            f"公司名称冠以“{named.short}”，但许可证编号属于{region_name}",
            f"the company name carries {named.name_en}, but the number belongs to {region_name}",
            [ctx.evidence("company", ctx.licence.company), ctx.evidence("number", ctx.licence.number)],
            [SRC_COMPANY_REGION],
        )


# --- facilities inside the coverage (licence provisions) ----------------------------------------------
@dataclass(frozen=True, slots=True)
class _FacilityRule:
    """A provision (or one of its items) demanding facilities inside the coverage area."""

    provision: Provision
    key: str  # provenance key, e.g. provisions[15].items[3]
    item: ProvisionItem | None
    services: tuple[str, ...]  # catalogue codes the provision governs; empty = all

    @property
    def text(self) -> str:
        return self.item.text if self.item is not None else self.provision.text

    def cite(self) -> tuple[str, str]:
        """("十六(四)", "16(4)"): how the provision is printed, and its number in English."""
        zh = to_cn(self.provision.number) + (f"({to_cn(self.item.number)})" if self.item else "")
        en = str(self.provision.number) + (f"({self.item.number})" if self.item else "")
        return zh, en

    def source(self) -> SourceRef:
        zh, _ = self.cite()
        article, _, item = zh.partition("(")
        return SourceRef(
            LICENCE_PROVISIONS,
            Reliability.LICENCE,
            article=article,
            item=f"({item}" if item else None,
            note=_compact(self.text)[:60],
        )


def _facility_rules(licence: Licence) -> list[_FacilityRule]:
    """Provisions (or items) that demand facilities inside the coverage, with the services they govern."""
    rules: list[_FacilityRule] = []
    for p_index, prov in enumerate(licence.provisions):
        head = _compact(prov.text)
        governed = tuple(
            s.code for s in licence.services if (e := entry(s.code)) is not None and _compact(e.name) in head
        )
        if not prov.items and _FACILITY_PROVISION.search(head):
            rules.append(_FacilityRule(prov, f"provisions[{p_index}]", None, governed))
        for i_index, item in enumerate(prov.items):
            if _FACILITY_PROVISION.search(_compact(item.text)):
                rules.append(_FacilityRule(prov, f"provisions[{p_index}].items[{i_index}]", item, governed))
    return rules


def _outside(svc: Service, region: Region) -> bool:
    """True when a service's stated (or inferred) coverage excludes `region`."""
    allowed, nationwide, _ = _coverage_regions(svc.coverage)
    return bool(allowed) and not nationwide and region.code not in allowed


def _coverage_label(svc: Service) -> tuple[str, str]:
    zh = "、".join(svc.coverage)
    en = ", ".join(svc.coverage)
    if not svc.coverage_stated:
        return zh + "，据编号推定", en + ", inferred from the number"
    return zh, en


def _facilities(ctx: _Ctx) -> Iterator[Finding]:
    """One finding per site and facility provision: where the servers are vs the governed coverage."""
    lic = ctx.licence
    rules = _facility_rules(lic)
    if not rules:
        return
    for i, site in enumerate(lic.sites):
        if not site.server_location:
            continue
        where = region_of_address(site.server_location)
        if where is None:
            yield ctx.finding(
                "facility.location_unknown",
                Severity.INFO,
                f"无法确定“{site.name}”服务器地址“{site.server_location}”所在省份，未核对是否在覆盖范围内",
                f"cannot place the server address of {site.name} ({site.server_location}) in a province; "
                "not checked against the coverage",
                [ctx.evidence(f"sites[{i}].server_location", site.server_location)],
                [rules[0].source()],
                subject=f"{site.kind.value}:{site.domain}",
            )
            continue
        for rule in rules:
            governed = rule.services or tuple(s.code for s in lic.services)
            breached = [
                svc
                for code in governed
                if code in site.services and (svc := lic.service(code)) is not None and _outside(svc, where)
            ]
            if breached:
                yield _facility_finding(ctx, rule, breached, i, site, where.name)


def _facility_finding(
    ctx: _Ctx, rule: _FacilityRule, services: list[Service], index: int, site: Site, region: str
) -> Finding:
    label = f"{'APP' if site.kind.value == 'app' else '网站'}“{site.name}”（{site.domain}）"
    label_en = f"{site.kind.value} {site.name} ({site.domain})"
    zh_cite, en_cite = rule.cite()
    scope_zh = "；".join(f"{s.code}：{_coverage_label(s)[0]}" for s in services)
    scope_en = "; ".join(f"{s.code}: {_coverage_label(s)[1]}" for s in services)
    return ctx.finding(
        "facility.outside_coverage",
        Severity.HIGH,
        f"{label}的服务器放置于{site.server_location}（属{region}），不在业务覆盖范围（{scope_zh}）内；"
        f"本许可证特别规定事项{zh_cite}要求在覆盖范围内组建平台设施（对此类业务的一般性规定未经证实）",
        f"{label_en} is hosted at {site.server_location} ({region}), outside the coverage ({scope_en}); "
        f"special provision {en_cite} of this licence requires the platform facilities to be inside the "
        "coverage area (a general rule for this business type is UNCONFIRMED)",
        [
            ctx.evidence(f"sites[{index}].server_location", site.server_location, note=region),
            ctx.evidence(rule.key, _compact(rule.text)[:60]),
        ],
        [rule.source(), SRC_SERVER_RULE],
        subject=f"{site.kind.value}:{site.domain}",
        tags=("facility",),
    )


# --- sites listed under one business type but not another -------------------------------------------------
def _sites_across_types(ctx: _Ctx) -> Iterator[Finding]:
    sites = ctx.licence.sites
    held = {s.code for s in ctx.licence.services}
    for i, site in enumerate(sites):
        twins = [
            o for j, o in enumerate(sites) if j != i and (o.domain == site.domain or o.name == site.name)
        ]
        elsewhere = {code for o in twins for code in o.services} & held
        missing = sorted(elsewhere - set(site.services))
        if not missing or not site.services:
            continue
        where = "、".join(f"{o.name}（{o.domain}）" for o in twins if set(missing) & set(o.services))
        yield ctx.finding(
            "site.listed_under_one_type",
            Severity.MEDIUM if "B21" in missing else Severity.LOW,
            f"{site.name}（{site.domain}，{site.kind.value}）列于 {'、'.join(site.services)} 下，未列于 "
            f"{'、'.join(missing)}，而同一域名/名称在 {'、'.join(missing)} 下另有登记：{where}",
            f"{site.kind.value} {site.name} ({site.domain}) is listed under {', '.join(site.services)} "
            "but not "
            f"{', '.join(missing)}, where the same domain or name appears as {where}",
            [ctx.evidence(f"sites[{i}]", f"{site.name} {site.domain}")],
            [SRC_LICENCE_TEXT],
            subject=f"{site.kind.value}:{site.domain}",
        )


# --- parser warnings -------------------------------------------------------------------------------------
_OCR_CODES = frozenset({"ocr_slip", "suspicious_value", "ocr_suspicious"})


def _warnings(ctx: _Ctx) -> Iterator[Finding]:
    for w in ctx.licence.warnings:
        if w.code not in _OCR_CODES:
            continue
        hint = f"，可能应为“{w.suggestion}”" if w.suggestion else ""
        hint_en = f"; probably {w.suggestion!r}" if w.suggestion else ""
        yield ctx.finding(
            "ocr.suspicious_value",
            Severity.LOW,
            f"第 {w.line} 行的“{w.raw}”疑为识别错误{hint}，请对照原件核实",
            f"line {w.line}: {w.raw!r} looks like a reading error{hint_en}; check against the original",
            [Evidence(field=None, value=w.raw, line=w.line, note=w.message)],
            [SRC_LICENCE_TEXT],
            subject=w.raw,
        )


CHECKS: tuple[Callable[[_Ctx], Iterator[Finding]], ...] = (
    _missing_fields,
    _expired,
    _renewal,
    _validity,
    _issued_in_future,
    _number,
    _facilities,
    _sites_across_types,
    _warnings,
)


def validate(licence: Licence, *, as_of: date, settings: EngineSettings | None = None) -> list[Finding]:
    """All licence-intrinsic findings as of `as_of`, in check order (see `audit_licence` for sorting).

    `settings` carries a configured renewal horizon (`renewal_days_before`), as the engine reads it."""
    ctx = _Ctx(licence, as_of, settings)
    return [f for check in CHECKS for f in check(ctx)]


__all__ = ["CHECKS", "VALIDITY_YEARS", "renewal_deadline", "validate"]
