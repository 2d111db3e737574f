"""Reconcile a licence with the declared inventory: unlisted sites, stale entries, scope breaches.

Pure: it takes a `Licence` and inventory items and returns `Finding`s, so it runs on a licence file
and an inventory file with no database, and the store-backed CLI reuses it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from vats.checks import legal
from vats.checks.features import Feature, FeatureMap, default_features
from vats.checks.homepage import covers, normalise_domain
from vats.checks.inventory import InventoryItem
from vats.model.findings import Evidence, Finding, Severity
from vats.model.licence import Licence, Service, Site, SiteKind
from vats.model.sources import SourceRef
from vats.reference.regions import NATIONWIDE, region_of_address


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).lower()


def _finding(
    fid: str,
    severity: Severity,
    zh: str,
    en: str,
    licence: Licence,
    subject: str,
    evidence: Iterable[Evidence],
    sources: Sequence[SourceRef],
    *tags: str,
) -> Finding:
    return Finding(
        id=fid,
        severity=severity,
        message_zh=zh,
        message_en=en,
        licence=licence.number,
        subject=subject,
        evidence=tuple(evidence),
        sources=tuple(sources),
        tags=("inventory", *tags),
    )


def _item_evidence(item: InventoryItem, field: str, value: str | None) -> Evidence:
    return Evidence(field=f"inventory.{field}", value=value, line=item.line)


def _licence_site_for(item: InventoryItem, sites: Sequence[Site]) -> Site | None:
    for site in sites:
        if (
            site.kind is item.kind
            and item.domain
            and site.domain
            and covers(normalise_domain(site.domain), item.domain)
        ):
            return site
    return None


def reconcile(
    licence: Licence, items: Sequence[InventoryItem], *, features: FeatureMap | None = None
) -> list[Finding]:
    """Every finding about how the declared inventory and the licence disagree."""
    features = features or default_features()
    mine = [i for i in items if i.licence is None or i.licence == licence.number]
    findings: list[Finding] = []
    matched: set[int] = set()
    for item in mine:
        site = _licence_site_for(item, licence.sites)
        if site is None:
            same_name = next(
                (s for s in licence.sites if s.kind is item.kind and _norm(s.name) == _norm(item.name)), None
            )
            if same_name is not None:
                matched.add(id(same_name))
                findings.append(_domain_differs(licence, item, same_name))
            elif item.kind is SiteKind.WEBSITE:
                findings.append(_unlisted(licence, item))
            site = same_name
        else:
            matched.add(id(site))
        if site is not None:
            findings += _location_and_provider(licence, item, site)
        findings += _features(licence, item, features)
    for site in licence.sites:
        if id(site) not in matched and not any(
            s.kind is site.kind and s.domain == site.domain and id(s) in matched for s in licence.sites
        ):
            findings.append(_undeclared(licence, site))
    findings.sort(key=lambda f: (f.severity.rank, f.id, f.subject or ""))
    return findings


def _unlisted(licence: Licence, item: InventoryItem) -> Finding:
    return _finding(
        "inventory.site_not_on_licence",
        Severity.HIGH,
        f"网站 {item.name}（{item.domain}）在清单中但许可证未载明；变更网址须提前30日办理",
        f"site {item.name} ({item.domain}) is declared but not listed on licence {licence.number}",
        licence,
        item.domain or item.name,
        [_item_evidence(item, "domain", item.domain)],
        [legal.SITE_CHANGE, legal.LICENCE_SCOPE],
    )


def _undeclared(licence: Licence, site: Site) -> Finding:
    return _finding(
        "inventory.licence_site_not_declared",
        Severity.MEDIUM,
        f"许可证载明的{'网站' if site.kind is SiteKind.WEBSITE else 'APP'} {site.name}（{site.domain}）"
        "不在清单中："
        "如已停止运营，应办理许可证变更",
        f"licence-listed {site.kind.value} {site.name} ({site.domain}) is not in the declared inventory; "
        "if it was closed, the licence needs a change",
        licence,
        site.domain or site.name,
        [Evidence(field="sites.domain", value=site.domain)],
        [legal.SITE_CHANGE],
    )


def _domain_differs(licence: Licence, item: InventoryItem, site: Site) -> Finding:
    return _finding(
        "inventory.domain_differs",
        Severity.HIGH,
        f"{item.name} 的域名为 {item.domain}，许可证载明为 {site.domain}",
        f"{item.name} runs on {item.domain} but the licence lists {site.domain}",
        licence,
        item.domain or item.name,
        [_item_evidence(item, "domain", item.domain), Evidence(field="sites.domain", value=site.domain)],
        [legal.SITE_CHANGE],
    )


def _in_coverage(licence: Licence, location: str) -> tuple[bool, str | None]:
    """(inside, region name) for a server address; unknown regions count as inside (nothing to say)."""
    region = region_of_address(location)
    if region is None:
        return True, None
    coverage = {_norm(c) for c in licence.coverage}
    if not coverage or _norm(NATIONWIDE) in coverage:
        return True, region.name
    inside = _norm(region.name) in coverage or _norm(region.short) in coverage
    return inside, region.name


def _location_and_provider(licence: Licence, item: InventoryItem, site: Site) -> list[Finding]:
    out: list[Finding] = []
    subject = item.domain or item.name
    if item.server_location:
        inside, region = _in_coverage(licence, item.server_location)
        listed_same = _norm(site.server_location) == _norm(item.server_location)
        if not listed_same and site.server_location:
            out.append(
                _finding(
                    "inventory.server_location_differs",
                    Severity.MEDIUM,
                    f"{item.name} 的服务器放置地址与许可证附页不一致：{item.server_location}",
                    f"{item.name}'s server location differs from the licence appendix: "
                    f"{item.server_location}",
                    licence,
                    subject,
                    [
                        _item_evidence(item, "server_location", item.server_location),
                        Evidence(field="sites.server_location", value=site.server_location),
                    ],
                    [legal.SITE_CHANGE],
                )
            )
        if not inside:
            edi = any(
                svc.code == "B21"
                for svc in licence.services
                if svc.name in site.services or svc.code in site.services
            )
            inferred = any(not svc.coverage_stated for svc in licence.services)
            severity = Severity.INFO if listed_same else (Severity.MEDIUM if edi else Severity.LOW)
            note_zh = "（许可证附页本身载明此地址）" if listed_same else ""
            note_en = " (the licence appendix itself lists this location)" if listed_same else ""
            if inferred:
                note_zh += "（覆盖范围由许可证编号推断）"
                note_en += " (coverage inferred from the licence number)"
            out.append(
                _finding(
                    "inventory.server_outside_coverage",
                    severity,
                    f"{item.name} 的服务器位于{region}，"
                    f"不在业务覆盖范围（{'、'.join(licence.coverage)}）内{note_zh}",
                    f"{item.name}'s servers are in {region}, outside the licence coverage "
                    f"({', '.join(licence.coverage)}){note_en}",
                    licence,
                    subject,
                    [_item_evidence(item, "server_location", item.server_location)],
                    [legal.EDI_FACILITIES] if edi else [legal.LICENCE_SCOPE],
                )
            )
    providers = {_norm(p) for p in site.access_providers}
    if item.access_provider and providers and _norm(item.access_provider) not in providers:
        out.append(
            _finding(
                "inventory.access_provider_differs",
                Severity.MEDIUM,
                f"{item.name} 的接入服务提供单位为 {item.access_provider}，"
                f"许可证载明为 {'、'.join(site.access_providers)}",
                f"{item.name} is hosted by {item.access_provider}; "
                f"the licence lists {', '.join(site.access_providers)}",
                licence,
                subject,
                [
                    _item_evidence(item, "access_provider", item.access_provider),
                    Evidence(field="sites.access_providers", value="、".join(site.access_providers)),
                ],
                [legal.ACCESS_PROVIDER_RECORDED],
            )
        )
    return out


def _excluded_by(service: Service, feature: Feature) -> str | None:
    """The licence's 不含… term that names the feature's sub-type, if any."""
    if not feature.subtype:
        return None
    target = _norm(feature.subtype)
    for term in service.excludes:
        norm = _norm(term)
        if norm and (norm in target or target in norm):
            return term
    return None


def _definition(subtype: str) -> tuple[str, str] | None:
    """The catalogue's (zh, en) definition of a sub-type, cited in findings where it decides them."""
    from vats.reference.catalogue import subtype_by_name

    entry = subtype_by_name(subtype)
    return (entry.definition_zh, entry.definition_en) if entry is not None else None


def _distinguished(
    licence: Licence,
    item: InventoryItem,
    feature: Feature,
    excluded: str,
    subject: str,
    evidence: list[Evidence],
) -> Finding:
    """An INFO finding saying why a feature that sounds excluded is not (e.g. search of own listings)."""
    return _finding(
        "scope.feature_not_excluded",
        Severity.INFO,
        f"{item.name} 的「{feature.name_zh}」不属于许可证排除的{excluded}：{feature.note_zh or ''}",
        f"{item.name}'s {feature.name_en} is not the excluded {excluded}: {feature.note_en or ''}",
        licence,
        subject,
        [*evidence, Evidence(field="services.excludes", value=excluded)],
        [legal.LICENCE_SCOPE],
        "scope",
    )


SCOPE_SOURCES = (legal.LICENCE_SCOPE, legal.UNLICENSED_PENALTY, legal.ORDER_292_SCOPE_PENALTY)


def _features(licence: Licence, item: InventoryItem, features: FeatureMap) -> list[Finding]:
    out: list[Finding] = []
    subject = item.domain or item.name
    for fid in item.features:
        feature = features.get(fid)
        if feature is None or feature.service is None:
            continue
        evidence = [_item_evidence(item, "features", fid)]
        why = feature.note_en or ""
        definition = _definition(feature.subtype) if feature.subtype else None
        if definition:
            zh, en = definition
            evidence.append(Evidence(field="catalogue.definition", value=zh, note=f"{feature.subtype}: {en}"))
        service = licence.service(feature.service)
        if service is None:
            out.append(
                _finding(
                    "scope.feature_type_not_held",
                    Severity.HIGH,
                    f"{item.name} 提供「{feature.name_zh}」，属于 {feature.service}"
                    f"{('（' + feature.subtype + '）') if feature.subtype else ''}，但许可证未含该业务种类",
                    f"{item.name} offers {feature.name_en}, which is {feature.service}"
                    f"{(' / ' + feature.subtype) if feature.subtype else ''}; "
                    f"licence {licence.number} does not hold "
                    f"that business type. {why}".strip(),
                    licence,
                    subject,
                    evidence,
                    SCOPE_SOURCES,
                    "scope",
                )
            )
            continue
        term = _excluded_by(service, feature)
        near = next((t for t in service.excludes for n in feature.not_subtypes if _norm(n) in _norm(t)), None)
        if term is None and near is not None:
            out.append(_distinguished(licence, item, feature, near, subject, evidence))
        if term is not None:
            evidence.append(Evidence(field="services.excludes", value=term, note=service.name))
            out.append(
                _finding(
                    "scope.feature_excluded",
                    Severity.HIGH,
                    f"{item.name} 提供「{feature.name_zh}」，属于{feature.subtype}，"
                    f"而许可证{service.name}明确不含{term}",
                    f"{item.name} offers {feature.name_en}, which falls in {feature.subtype}; the licence's "
                    f"{service.code} scope excludes {term}. {why}".strip(),
                    licence,
                    subject,
                    evidence,
                    SCOPE_SOURCES,
                    "scope",
                )
            )
    return out
