"""Field extraction: walk the normalised lines once and build a `Licence` with provenance.

A single pass with a small section state (main page, business types, site blocks, special
provisions) keeps parsing linear in the document length, which is what lets a licensing agency
re-parse thousands of licences per second. Every line is either placed (a field, a heading, known
boilerplate) or reported as a `ParseWarning` with its original line number: nothing is dropped
silently.

Reading decisions (documented because a person may expect otherwise):
- a site listed under several business types is one `Site` whose `services` lists each type, in
  the order the site blocks appear; sites are keyed by (kind, name, domain), so the website and
  the app of the same name stay two entries;
- app-store lists are split on `、` `,` `;` only: `华为/鸿蒙` is one store (one store, two names)
  and `oppo等应用商城` stays one entry as printed — "等" ("and others") names no further store
  that could be listed, so splitting it would invent data;
- the copy restriction (watermark) keeps its printed lines joined by one space and adds nothing:
  `仅供懂车帝网站/APP 再次复印无效` (the print has no 使用);
- coverage that is not printed is inferred only for provincial numbers (their own province,
  `coverage_stated=False`); an issuer that is not printed is taken from the number
  (`Issuer.stated=False`);
- region names in coverage are normalised to full names (广东 -> 广东省); 全国 stays 全国.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, auto
from types import MappingProxyType

from vats.ingest import numbers
from vats.ingest.extract_services import ServiceText, parse_service_text, split_list
from vats.ingest.extract_slips import has_traditional, store_slip, traditional_slips
from vats.ingest.extract_vocab import (
    ARTICLE_LINE,
    BOILERPLATE,
    COPY_RESTRICTION,
    ITEM_LINE,
    PROVISIONS_HEADING,
    PROVISIONS_PREAMBLE,
    SERVICES_HEADING,
    SITES_HEADING,
    TITLE_LINE,
    Field,
    match_label,
)
from vats.ingest.normalise import Normalised
from vats.model.errors import InputError
from vats.model.licence import (
    Issuer,
    Licence,
    LicenceTitle,
    ParseWarning,
    Provision,
    ProvisionItem,
    Service,
    Site,
    SiteKind,
    SourceSpan,
)
from vats.model.numbers import LicenceNumber, NumberKind
from vats.model.numerals import from_cn
from vats.reference import catalogue, regions
from vats.reference.regions import NATIONWIDE

_DATE = re.compile(r"(\d{4})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})")
# Seals and older certificates print dates in Chinese numerals: 二〇二一年五月二十日.
_CN_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_STORE_SPLIT = re.compile(r"[、,;]")
#: Lines that cannot belong to a provision: a labelled field, an appendix or site heading, a title.
_LEAVES_PROVISIONS = re.compile(
    "|".join(re.sub(r"\?P<\w+>", "", p.pattern) for p in (SITES_HEADING, SERVICES_HEADING, TITLE_LINE))
)
_MALFORMED_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))")


class _Section(Enum):
    MAIN = auto()
    SERVICES = auto()
    SITES = auto()
    PROVISIONS = auto()


@dataclass(slots=True)
class _ServiceDraft:
    code: str
    text: ServiceText
    span: tuple[int, int]
    coverage_span: tuple[int, int] | None = None


@dataclass(slots=True)
class _SiteDraft:
    kind: SiteKind
    name: str
    span: tuple[int, int]
    domain: str = ""
    server_location: str | None = None
    access_providers: list[str] = field(default_factory=list)
    app_stores: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(slots=True)
class _ProvisionDraft:
    number: int
    text: str
    span: tuple[int, int]
    items: list[tuple[int, str, str | None, tuple[int, int]]] = field(default_factory=list)


class _Extractor:
    """The single pass. Methods named `_on_*` handle one kind of line."""

    def __init__(self, doc: Normalised, source: str | None) -> None:
        self.doc = doc
        self.source = source
        self.section = _Section.MAIN
        self.warnings: list[ParseWarning] = []
        self.values: dict[str, tuple[str, tuple[int, int]]] = {}
        self.title: str | None = None
        self.services: list[_ServiceDraft] = []
        self.services_by_code: dict[str, _ServiceDraft] = {}
        self.default_coverage: tuple[list[str], tuple[int, int]] | None = None
        self.current_service: str | None = None
        self.site: _SiteDraft | None = None
        self.sites: dict[tuple[SiteKind, str, str], _SiteDraft] = {}
        self.provisions: list[_ProvisionDraft] = []
        self.copy_parts: list[tuple[str, tuple[int, int]]] = []
        self.headings_company: tuple[str, tuple[int, int]] | None = None

    # -- helpers -------------------------------------------------------------------------------
    def warn(self, code: str, message: str, span: tuple[int, int] | None, **extra: str | None) -> None:
        self.warnings.append(ParseWarning(code, message, span[0] if span else None, **extra))

    def _set(self, key: str, value: str, span: tuple[int, int]) -> None:
        if key in self.values:
            if self.values[key][0] != value:
                self.warn(
                    "conflict",
                    f"{key}: 与前文不一致 / differs from line {self.values[key][1][0]}, kept the first value",
                    span,
                    raw=value,
                )
            return
        self.values[key] = (value, span)

    # -- the walk ------------------------------------------------------------------------------
    def run(self) -> None:
        for line, span in zip(self.doc.lines, self.doc.spans, strict=True):
            if self.section is _Section.PROVISIONS and self._on_provision_line(line, span):
                continue
            label = match_label(line)
            if label is not None:
                self._on_label(label.field, label.label, label.value, span)
            elif (title := TITLE_LINE.match(line)) is not None:
                printed = _title_of(title["title"])
                if self.title and printed != self.title:
                    self.warn("conflict", f"标题不一致 / a second title, kept {self.title}", span, raw=line)
                self.title = self.title or printed
            elif (heading := SITES_HEADING.match(line)) is not None:
                self._on_sites_heading(heading["company"], heading["service"], span)
            elif (heading := SERVICES_HEADING.match(line)) is not None:
                self.section = _Section.SERVICES
                if heading["company"]:
                    self.headings_company = self.headings_company or (heading["company"], span)
            elif PROVISIONS_HEADING.match(line) or PROVISIONS_PREAMBLE.match(line):
                self._flush_site()
                self.section = _Section.PROVISIONS
            elif ARTICLE_LINE.match(line):
                self._flush_site()
                self.section = _Section.PROVISIONS
                self._on_provision_line(line, span)
            elif COPY_RESTRICTION.match(line):
                self._on_copy_restriction(line, span)
            elif BOILERPLATE.match(line):
                continue
            elif self.section in (_Section.SERVICES, _Section.MAIN) and (svc := parse_service_text(line)):
                self._add_service(svc, span)
            else:
                self.warn("unplaced", "无法归入任何字段 / text could not be placed", span, raw=line)
        self._flush_site()

    def _on_label(self, kind: Field, label: str, value: str, span: tuple[int, int]) -> None:
        if kind in _MAIN_FIELDS:
            if value:
                self._set(kind.value, value, span)
            elif kind is not Field.ISSUER:  # a blank issuer is normal: the seal stands there
                self.warn("empty_field", f"{label}: 空值 / empty value", span)
        elif kind is Field.SERVICE:
            svc = parse_service_text(value)
            if svc is None:
                self.warn(
                    "unknown_service",
                    f"业务种类无法识别 / unrecognised business type: {value}",
                    span,
                    raw=value,
                )
            else:
                self._add_service(svc, span)
        elif kind is Field.COVERAGE:
            self._on_coverage(value, span)
        elif kind is Field.SERVICE_ITEMS:
            if self.services:
                self.services[-1].text.includes.extend(split_list(value))
            else:
                self.warn(
                    "unplaced",
                    "服务项目前无业务种类 / service items before any business type",
                    span,
                    raw=value,
                )
        elif kind is Field.UNMODELLED:
            self.warn(
                "unmodelled_field",
                f"{label}: 不在数据模型中 / not part of the licence model",
                span,
                raw=value,
            )
        else:
            self._on_site_field(kind, label, value, span)

    def _on_coverage(self, value: str, span: tuple[int, int]) -> None:
        regions_ = split_list(value)
        if self.services and self.services[-1].coverage_span is None:
            draft = self.services[-1]
            draft.text.coverage.extend(regions_)
            draft.coverage_span = span
        elif not self.services:
            self.default_coverage = (regions_, span)
        else:
            self.warn(
                "unplaced", "覆盖范围已给出 / coverage already stated for this business type", span, raw=value
            )

    def _add_service(self, svc: ServiceText, span: tuple[int, int]) -> _ServiceDraft:
        entry = catalogue.match_service(svc.name)
        if entry is None:
            self.warn(
                "unknown_service",
                f"业务种类不在目录中 / not in the catalogue: {svc.name}",
                span,
                raw=svc.name,
            )
        code = entry.code if entry is not None else svc.name
        for leftover in svc.leftover:
            if is_region_list(leftover):  # a table row: `…业务(…) 北京、上海、广东` (coverage column)
                svc.coverage.extend(split_list(leftover))
                continue
            self.warn(
                "unplaced", f"业务种类限定无法识别 / unrecognised qualifier of {svc.name}", span, raw=leftover
            )
        existing = self.services_by_code.get(code)
        if existing is not None:  # printed twice (main page and appendix): merge
            _extend_unique(existing.text.limited_to, svc.limited_to)
            _extend_unique(existing.text.excludes, svc.excludes)
            _extend_unique(existing.text.includes, svc.includes)
            _extend_unique(existing.text.notes, svc.notes)
            _extend_unique(existing.text.coverage, svc.coverage)
            return existing
        draft = _ServiceDraft(code, svc, span, span if svc.coverage else None)
        self.services.append(draft)
        self.services_by_code[code] = draft
        return draft

    def _on_sites_heading(self, company: str, service_text: str, span: tuple[int, int]) -> None:
        self._flush_site()
        self.section = _Section.SITES
        self.headings_company = self.headings_company or (company, span)
        svc = parse_service_text(service_text)
        if svc is None:
            self.warn(
                "unknown_service",
                f"站点所属业务无法识别 / unrecognised business type: {service_text}",
                span,
                raw=service_text,
            )
            self.current_service = None
            return
        known = len(self.services)
        draft = self._add_service(svc, span)
        if len(self.services) > known:  # the heading introduced a business type
            self.warn(
                "service_only_in_sites",
                f"{svc.name}: 仅见于网站/APP 信息页 / listed only above a site "
                "block, not among the business types",
                span,
            )
        self.current_service = draft.code

    # -- sites ---------------------------------------------------------------------------------
    def _on_site_field(self, kind: Field, label: str, value: str, span: tuple[int, int]) -> None:
        if kind in (Field.SITE_NAME, Field.APP_NAME):
            self._flush_site()
            site_kind = SiteKind.APP if kind is Field.APP_NAME else SiteKind.WEBSITE
            self.site = _SiteDraft(site_kind, value, span, spans={"name": span})
            if self.current_service:
                self.site.services.append(self.current_service)
            return
        site = self.site
        if site is None:
            self.warn(
                "unplaced",
                f"{label}: 前面没有网站或 APP 名称 / no site or app name before it",
                span,
                raw=value,
            )
            return
        site.span = (site.span[0], span[1])
        if kind in (Field.SITE_DOMAIN, Field.APP_DOMAIN):
            self._site_scalar(site, "domain", value, span)
        elif kind is Field.SERVER:
            self._site_scalar(site, "server_location", value, span)
        elif kind is Field.ACCESS and site.kind is SiteKind.WEBSITE:
            _extend_unique(site.access_providers, split_list(value))
            site.spans.setdefault("access_providers", span)
        else:  # APP接入服务提供单位 lists app stores; so does 应用商店
            _extend_unique(site.app_stores, [s for p in _STORE_SPLIT.split(value) if (s := p.strip())])
            site.spans.setdefault("app_stores", span)

    def _site_scalar(self, site: _SiteDraft, attr: str, value: str, span: tuple[int, int]) -> None:
        current = getattr(site, attr)
        if current and current != value:
            self.warn(
                "conflict", f"{site.name}: {attr} 重复且不一致 / given twice, kept the first", span, raw=value
            )
            return
        setattr(site, attr, value)
        site.spans.setdefault(attr, span)

    def _flush_site(self) -> None:
        site, self.site = self.site, None
        if site is None:
            return
        if not site.domain:
            self.warn("missing_field", f"{site.name}: 缺少域名 / no domain given", site.span)
        key = (site.kind, site.name, site.domain)
        merged = self.sites.get(key)
        if merged is None:
            self.sites[key] = site
            return
        _extend_unique(merged.services, site.services)
        _extend_unique(merged.access_providers, site.access_providers)
        _extend_unique(merged.app_stores, site.app_stores)
        if site.server_location and merged.server_location != site.server_location:
            if merged.server_location is None:
                merged.server_location = site.server_location
            else:
                self.warn(
                    "conflict",
                    f"{site.name}: 服务器放置地址不一致 / server location differs from the "
                    "earlier block, kept the first",
                    site.spans.get("server_location"),
                    raw=site.server_location,
                )

    # -- provisions ----------------------------------------------------------------------------
    def _on_provision_line(self, line: str, span: tuple[int, int]) -> bool:
        if (article := ARTICLE_LINE.match(line)) is not None:
            number = from_cn(article["num"])
            if self.provisions and number != self.provisions[-1].number + 1:
                self.warn(
                    "numbering",
                    f"条款编号不连续 / article {number} follows {self.provisions[-1].number}",
                    span,
                )
            self.provisions.append(_ProvisionDraft(number, article["text"], span))
            return True
        if (item := ITEM_LINE.match(line)) is not None and self.provisions:
            items = self.provisions[-1].items
            number = from_cn(item["num"])
            if number != len(items) + 1:
                self.warn("numbering", f"项编号不连续 / item ({number}) follows ({len(items)})", span)
            items.append((number, item["text"], item["applies"], span))
            return True
        if match_label(line) is not None or _LEAVES_PROVISIONS.match(line):
            self.section = _Section.MAIN  # the appendix printed after the provisions
            return False
        if COPY_RESTRICTION.match(line):
            self._on_copy_restriction(line, span)
            return True
        if PROVISIONS_HEADING.match(line) or PROVISIONS_PREAMBLE.match(line):
            return True
        if not self.provisions:
            return False
        # A paragraph that continues the current item or article after a closed sentence.
        if _MALFORMED_MARKER.match(line):
            self.warn(
                "numbering",
                "条款编号无法识别,并入上一条 / unreadable article or item number, kept with the previous one",
                span,
                raw=line[:12],
            )
        last = self.provisions[-1]
        if last.items:
            num, text, applies, first = last.items[-1]
            last.items[-1] = (num, text + line, applies, (first[0], span[1]))
        else:
            last.text += line
            last.span = (last.span[0], span[1])
        return True

    def _on_copy_restriction(self, line: str, span: tuple[int, int]) -> None:
        if all(part != line for part, _ in self.copy_parts):
            self.copy_parts.append((line, span))

    # -- result --------------------------------------------------------------------------------
    def build(self) -> Licence:
        number_text, number_span, info = self._number()
        company = self._company()
        prov: dict[str, SourceSpan] = {"number": _span(number_span), "company": _span(company[1])}
        for key in ("legal_representative", "issue_date", "expiry_date"):
            if key in self.values:
                prov[key] = _span(self.values[key][1])
        issuer = self._issuer(info, prov)
        issue_date = self._date("issue_date")
        expiry_date = self._date("expiry_date")
        services = self._build_services(info, prov)
        sites = self._build_sites(services, prov)
        provisions = self._build_provisions(prov)
        copy_restriction = None
        if self.copy_parts:
            copy_restriction = " ".join(part for part, _ in self.copy_parts)
            prov["copy_restriction"] = SourceSpan(self.copy_parts[0][1][0], self.copy_parts[-1][1][1])
        title = self.title or default_title(info)
        self._check_complete(title, services, provisions)
        self._add_dropped_and_slips(services, sites, provisions, prov)
        legal = self.values.get("legal_representative")
        return Licence(
            number=number_text,
            number_info=info,
            company=company[0],
            title=title,
            legal_representative=legal[0] if legal else None,
            issuer=issuer,
            issue_date=issue_date,
            expiry_date=expiry_date,
            services=services,
            sites=sites,
            provisions=provisions,
            copy_restriction=copy_restriction,
            warnings=tuple(sorted(self.warnings, key=lambda w: (w.line or 0, w.code))),
            provenance=MappingProxyType(prov),
        )

    def _number(self) -> tuple[str, tuple[int, int], LicenceNumber]:
        if "number" in self.values:
            value, span = self.values["number"]
            try:
                info = numbers.parse(value)
                return info.canonical, span, info
            except InputError as exc:
                found = [f for f in numbers.find(value) if f.kind is not NumberKind.ICP_FILING]
                if not found:
                    raise InputError(
                        f"许可证编号无效 / invalid licence number {value!r}: {exc.message}",
                        source=self.source,
                        line=span[0],
                        field="number",
                    ) from None
                return found[0].canonical, span, found[0].number
        for line, span in zip(self.doc.lines, self.doc.spans, strict=True):
            for hit in numbers.find(line):
                if hit.kind is not NumberKind.ICP_FILING:
                    self.warn(
                        "unlabelled_number",
                        "许可证编号未带标签 / number found without its label",
                        span,
                        raw=hit.raw,
                    )
                    return hit.canonical, span, hit.number
        raise InputError(
            "不是许可证:未找到经营许可证编号 / not a licence: no licence number found",
            source=self.source,
            field="number",
        )

    def _company(self) -> tuple[str, tuple[int, int]]:
        if "company" in self.values:
            name, span = self.values["company"]
            if self.headings_company and self.headings_company[0] != name:
                self.warn(
                    "conflict",
                    f"附页公司名称不一致 / appendix names the company {self.headings_company[0]!r}",
                    self.headings_company[1],
                )
            return name, span
        if self.headings_company:
            self.warn(
                "missing_field",
                "未找到公司名称标签,取自附页标题 / company taken from an appendix heading",
                self.headings_company[1],
            )
            return self.headings_company
        raise InputError(
            "缺少公司名称 / no company name (公司名称) found", source=self.source, field="company"
        )

    def _issuer(self, info: LicenceNumber, prov: dict[str, SourceSpan]) -> Issuer | None:
        if "issuer" in self.values:
            name, span = self.values["issuer"]
            prov["issuer"] = _span(span)
            return Issuer(name, stated=True)
        return Issuer(info.issuer, stated=False) if info.issuer else None

    def _date(self, key: str) -> date | None:
        if key not in self.values:
            return None
        value, span = self.values[key]
        try:
            return read_date(value)
        except ValueError:
            self.warn("bad_date", f"{key}: 日期无法识别 / not a date", span, raw=value)
            return None

    def _build_services(self, info: LicenceNumber, prov: dict[str, SourceSpan]) -> tuple[Service, ...]:
        result: list[Service] = []
        for index, draft in enumerate(self.services):
            coverage, stated = self._coverage_of(draft, info)
            text = draft.text
            result.append(
                Service(
                    code=draft.code,
                    name=text.name,
                    limited_to=tuple(text.limited_to),
                    includes=tuple(text.includes),
                    excludes=tuple(text.excludes),
                    coverage=coverage,
                    coverage_stated=stated,
                    notes=tuple(text.notes),
                )
            )
            prov[f"services[{index}]"] = _span(draft.span)
            if draft.coverage_span:
                prov[f"services[{index}].coverage"] = _span(draft.coverage_span)
        return tuple(result)

    def _coverage_of(self, draft: _ServiceDraft, info: LicenceNumber) -> tuple[tuple[str, ...], bool]:
        printed = draft.text.coverage
        span = draft.coverage_span
        if not printed and self.default_coverage:
            printed, span = self.default_coverage
        if printed:
            names: list[str] = []
            for raw in printed:
                region = regions.by_name(raw) if raw != NATIONWIDE else None
                if region is None and raw != NATIONWIDE:
                    self.warn("unknown_region", f"覆盖范围无法识别 / unknown region {raw!r}", span, raw=raw)
                _extend_unique(names, [region.name if region else raw])
            return tuple(names), True
        if info.region_name and not info.cross_regional:  # a provincial licence covers its province
            return (info.region_name,), False
        if info.kind is NumberKind.VATS_LICENCE:
            self.warn(
                "missing_coverage", f"{draft.text.name}: 未载明覆盖范围 / no coverage stated", draft.span
            )
        return (), False

    def _build_sites(self, services: tuple[Service, ...], prov: dict[str, SourceSpan]) -> tuple[Site, ...]:
        result: list[Site] = []
        for index, draft in enumerate(self.sites.values()):
            codes = tuple(draft.services)
            if not codes and len(services) == 1:  # an ICP certificate lists its sites on the main page
                codes = (services[0].code,)
            result.append(
                Site(
                    kind=draft.kind,
                    name=draft.name,
                    domain=draft.domain,
                    server_location=draft.server_location,
                    access_providers=tuple(draft.access_providers),
                    app_stores=tuple(draft.app_stores),
                    services=codes,
                )
            )
            prov[f"sites[{index}]"] = _span(draft.span)
            for attr, span in draft.spans.items():
                prov[f"sites[{index}].{attr}"] = _span(span)
            for store in draft.app_stores:
                likely = store_slip(store)
                if likely:
                    self.warn(
                        "ocr_slip",
                        f"{draft.name}: 应用商店 {store!r} 疑为识别错误 / looks like an OCR slip, "
                        f"likely {likely!r}",
                        draft.spans.get("app_stores"),
                        raw=store,
                        suggestion=likely,
                    )
        return tuple(result)

    def _build_provisions(self, prov: dict[str, SourceSpan]) -> tuple[Provision, ...]:
        result: list[Provision] = []
        for index, draft in enumerate(self.provisions):
            items = []
            for item_index, (number, text, applies, span) in enumerate(draft.items):
                items.append(ProvisionItem(number, text, applies))
                prov[f"provisions[{index}].items[{item_index}]"] = _span(span)
            result.append(Provision(draft.number, draft.text, tuple(items)))
            prov[f"provisions[{index}]"] = _span(draft.span)
        return tuple(result)

    def _check_complete(
        self, title: str, services: tuple[Service, ...], provisions: tuple[Provision, ...]
    ) -> None:
        missing = []
        if not services:
            missing.append("业务种类 / business types (appendix)")
        if not provisions and title != LicenceTitle.ICP.value:
            missing.append("特别规定事项 / special provisions")
        if missing:
            self.warn(
                "truncated", "文件可能不完整,未找到 / truncated: not found: " + "; ".join(missing), None
            )
        for key, label in (
            ("issue_date", "发证日期"),
            ("expiry_date", "有效期至"),
            ("legal_representative", "法定代表人"),
        ):
            if key not in self.values:
                self.warn("missing_field", f"缺少{label} / no {key.replace('_', ' ')} found", None)

    def _add_dropped_and_slips(
        self,
        services: tuple[Service, ...],
        sites: tuple[Site, ...],
        provisions: tuple[Provision, ...],
        prov: dict[str, SourceSpan],
    ) -> None:
        for dropped in self.doc.dropped:
            if dropped.reason == "duplicate":
                self.warn(
                    "duplicate_fragment",
                    "重复的片段已删除 / fragment repeated by a page break, removed",
                    (dropped.line, dropped.line),
                    raw=dropped.text.strip(),
                )
        if not has_traditional("\n".join(self.doc.lines)):
            return
        texts: list[tuple[str, SourceSpan | None]] = [(v, _span(s)) for v, s in self.values.values()]
        texts += [(s.name, prov.get(f"services[{i}]")) for i, s in enumerate(services)]
        texts += [(s.name, prov.get(f"sites[{i}]")) for i, s in enumerate(sites)]
        for index, provision in enumerate(provisions):
            texts.append((provision.text, prov.get(f"provisions[{index}]")))
            texts += [
                (item.text, prov.get(f"provisions[{index}].items[{j}]"))
                for j, item in enumerate(provision.items)
            ]
        for text, span in texts:
            for raw, suggestion in traditional_slips(text):
                self.warn(
                    "ocr_slip",
                    f"{raw!r} 含繁体字,疑为识别错误 / traditional character, likely {suggestion!r}",
                    (span.first_line, span.last_line) if span else None,
                    raw=raw,
                    suggestion=suggestion,
                )


_MAIN_FIELDS = frozenset(
    {Field.NUMBER, Field.COMPANY, Field.LEGAL_REP, Field.ISSUER, Field.ISSUE_DATE, Field.EXPIRY_DATE}
)


def read_date(value: str) -> date:
    """A printed date: 2026年05月20日, 2026-05-20, 2026/5/20, 2026.05.20 or 二〇二六年五月二十日.

    The one reading of dates for documents and spreadsheets alike; `ValueError` when `value` holds
    none or an impossible one (2026-02-30)."""
    try:
        if (match := _DATE.search(value)) is not None:
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := _CN_DATE.search(value)) is not None:
            return date(int(match[1].translate(_YEAR_DIGITS)), from_cn(match[2]), from_cn(match[3]))
    except KeyError:
        raise ValueError(value) from None
    raise ValueError(value)


def is_region_list(text: str) -> bool:
    """True when `text` is a list of region names only (北京、上海、广东 or 全国)."""
    items = split_list(text)
    return bool(items) and all(item == NATIONWIDE or regions.by_name(item) is not None for item in items)


def _title_of(printed: str) -> str:
    for title in LicenceTitle:
        if title.value.endswith(printed):
            return title.value
    return printed


def default_title(info: LicenceNumber) -> str:
    if info.kind is NumberKind.ICP_LICENCE:
        return LicenceTitle.ICP.value
    return (LicenceTitle.CROSS_REGIONAL if info.cross_regional else LicenceTitle.PROVINCIAL).value


def _span(span: tuple[int, int]) -> SourceSpan:
    return SourceSpan(span[0], span[1])


def _extend_unique(target: list[str], values: list[str]) -> None:
    """Append values not yet present, keeping order (a set keeps huge lists linear)."""
    seen = set(target)
    for value in values:
        if value not in seen:
            seen.add(value)
            target.append(value)


def extract(doc: Normalised, *, source: str | None = None) -> Licence:
    """Build a `Licence` from normalised lines; `InputError` when there is no number or company."""
    extractor = _Extractor(doc, source)
    extractor.run()
    return extractor.build()
