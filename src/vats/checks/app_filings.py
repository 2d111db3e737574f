"""APP filings (APP备案): every declared app or mini-program needs its filing number; a missing or
malformed one is a finding, and so is an app printed on a licence that the inventory does not show
with a filing number.

Since the MIIT notice of August 2023 (document number UNCONFIRMED), apps and mini-programs are filed
through the access provider or the distribution platform; stores and access providers must not serve
unfiled apps, so a missing number is a delisting risk. The suffix letters — `A` for an app, `X` for a
mini-program — are read off public numbers, not an official rule (UNCONFIRMED): the accepted targets
are a parameter, and a number without a letter on an app is flagged, not refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from vats.checks.inventory import InventoryItem
from vats.model.findings import Evidence, Finding, Severity
from vats.model.licence import Licence, SiteKind
from vats.model.numbers import FilingTarget, NumberKind
from vats.model.sources import Reliability, SourceRef

NOTICE = SourceRef(
    instrument="工业和信息化部关于开展移动互联网应用程序备案工作的通知（2023 年 8 月）",
    reliability=Reliability.REPRINT,
    note="文号未经确认 / document number UNCONFIRMED",
)
SUFFIX_RULE = SourceRef(
    instrument="APP 备案号后缀（A 为应用、X 为小程序）",
    reliability=Reliability.UNCONFIRMED,
    note="由公开备案号归纳，非官方规则 / inferred from public numbers",
)
APP_TARGETS: frozenset[FilingTarget] = frozenset({FilingTarget.APP, FilingTarget.MINI_PROGRAM})


Source = str | Callable[[InventoryItem], str | None] | None
"""Where the declared items came from: one file name, or per item (stored rows keep file:line)."""


def _where(item: InventoryItem, source: Source) -> Evidence:
    note = source(item) if callable(source) else source
    return Evidence(field="filing_number", value=item.filing_number, line=item.line, note=note)


def _item_finding(
    item: InventoryItem,
    source: Source,
    *,
    id: str,
    severity: Severity,
    zh: str,
    en: str,
    sources: tuple[SourceRef, ...] = (NOTICE,),
) -> Finding:
    """A finding about one declared app, pointing at its filing-number cell."""
    return Finding(
        id=id,
        severity=severity,
        message_zh=zh,
        message_en=en,
        licence=item.licence,
        subject=item.package_name or item.name,
        evidence=(_where(item, source),),
        sources=sources,
        tags=("app_filing",),
    )


def app_filing_findings(
    items: Sequence[InventoryItem],
    *,
    licences: Sequence[Licence] = (),
    source: Source = None,
    accepted_targets: Collection[FilingTarget] = APP_TARGETS,
) -> list[Finding]:
    """Findings for the declared apps (`source` names the inventory file or register they came from)
    and for the apps printed on `licences` that no declared app with a filing number matches."""
    from vats.ingest.numbers import parse
    from vats.model.errors import InputError

    findings: list[Finding] = []
    filed_names: set[str] = set()
    for item in items:
        if item.kind is not SiteKind.APP:
            continue
        if not item.filing_number:
            findings.append(
                _item_finding(
                    item,
                    source,
                    id="app_filing.missing",
                    severity=Severity.HIGH,
                    zh=f"应用“{item.name}”未登记 APP 备案号：未备案的应用不得上架或接入",
                    en=f"app {item.name!r} has no APP filing number: unfiled apps may not be listed",
                )
            )
            continue
        problem: str | None = None
        try:
            number = parse(item.filing_number)
        except InputError as exc:
            problem = exc.message
        else:
            if number.kind is not NumberKind.ICP_FILING:
                problem = f"不是 ICP 备案号 / not an ICP filing: {number.kind.value}"
        if problem is not None:
            findings.append(
                _item_finding(
                    item,
                    source,
                    id="app_filing.malformed",
                    severity=Severity.MEDIUM,
                    zh=f"应用“{item.name}”的备案号 {item.filing_number} 格式不正确：{problem}",
                    en=f"app {item.name!r}: malformed filing number ({problem})",
                )
            )
            continue
        filed_names.add(item.name.strip().lower())
        if number.filing_target not in accepted_targets:
            findings.append(
                _item_finding(
                    item,
                    source,
                    id="app_filing.not_app_number",
                    severity=Severity.LOW,
                    zh=(
                        f"应用“{item.name}”登记的 {number.canonical} 没有应用或小程序后缀（A/X），"
                        "可能是网站备案号，请核对"
                    ),
                    en=f"app {item.name!r}: {number.canonical} has no app/mini-program suffix (A/X)",
                    sources=(NOTICE, SUFFIX_RULE),
                )
            )
    for licence in licences:
        for index, site in enumerate(licence.sites):
            if site.kind is not SiteKind.APP or site.name.strip().lower() in filed_names:
                continue
            span = licence.provenance.get(f"sites[{index}]")
            findings.append(
                Finding(
                    id="app_filing.licence_app_unfiled",
                    severity=Severity.MEDIUM,
                    message_zh=f"许可证载明的应用“{site.name}”在清单中没有 APP 备案号",
                    message_en=f"app {site.name!r} on the licence has no APP filing number in the inventory",
                    licence=licence.number,
                    subject=site.name,
                    evidence=(
                        Evidence(
                            field=f"sites[{index}]",
                            value=site.name,
                            line=span.first_line if span else None,
                            note=f"许可证 {licence.number}",
                        ),
                    ),
                    sources=(NOTICE,),
                    tags=("app_filing",),
                )
            )
    findings.sort(key=lambda f: (f.severity.rank, f.id, f.subject or ""))
    return findings
