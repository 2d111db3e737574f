"""Licence-intrinsic validation on a hand-built licence equivalent to the reference 渝B2-20210467."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import MappingProxyType

import pytest

from vats.ingest.numbers import parse
from vats.model.findings import Finding, Severity
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
from vats.model.sources import Reliability
from vats.rules.audit import audit_licence
from vats.rules.validate import renewal_deadline, validate

LANGFANG = "河北省廊坊市安次区云起道与富文道交叉口万国6号数据中心"
AS_OF = date(2026, 11, 28)


def reference_like(**changes: object) -> Licence:
    """The reference licence's facts, typed in by hand (no parser involved)."""
    sites = (
        Site(SiteKind.WEBSITE, "卖车通", "maichetong.com.cn", LANGFANG, services=("B25", "B21")),
        Site(SiteKind.WEBSITE, "巨懂车", "autoengine.com", LANGFANG, services=("B25", "B21")),
        Site(SiteKind.WEBSITE, "懂车帝网站", "dongchedi.com", LANGFANG, services=("B25", "B21")),
        Site(SiteKind.APP, "巨懂车", "autoengine.com", LANGFANG, services=("B25", "B21")),
        Site(SiteKind.APP, "懂车帝", "dcarapi.com", LANGFANG, services=("B25", "B21")),
    )
    provisions = (
        Provision(12, "你公司经营许可证有效期届满需要继续经营的，应当提前90日向原发证机关提出续办申请。"),
        Provision(
            16,
            "你公司在经营在线数据处理与交易处理业务时, 应当遵守下列规定:",
            items=(
                ProvisionItem(3, "你公司应当建立严格的用户资料保护机制，保存时间不得少于一年。"),
                ProvisionItem(
                    4, "你公司应当在许可的业务覆盖范围内组建在线数据处理与交易处理业务平台设施,并提供该业务。"
                ),
            ),
        ),
    )
    base = Licence(
        number="渝B2-20210467",
        number_info=parse("渝B2-20210467"),
        company="重庆万象优车科技有限公司",
        legal_representative="马骏",
        issuer=Issuer("重庆市通信管理局", stated=False),
        issue_date=date(2026, 5, 20),
        expiry_date=date(2026, 10, 20),
        services=(
            Service("B25", "信息服务业务", coverage=("重庆市",), coverage_stated=False),
            Service("B21", "在线数据处理与交易处理业务", coverage=("重庆市",), coverage_stated=False),
        ),
        sites=sites,
        provisions=provisions,
        warnings=(
            ParseWarning("ocr_slip", "'pp store' looks like an OCR slip", 97, "pp store", "App Store"),
            ParseWarning("duplicate_fragment", "fragment removed", 64, "6号数据中心"),
        ),
        provenance=MappingProxyType(
            {
                "expiry_date": SourceSpan(25, 25),
                "issue_date": SourceSpan(23, 23),
                "sites[0].server_location": SourceSpan(54, 54),
                "provisions[1].items[1]": SourceSpan(241, 241),
            }
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def ids(findings: list[Finding]) -> list[str]:
    return [f.id for f in findings]


def by_id(findings: list[Finding], fid: str) -> list[Finding]:
    return [f for f in findings if f.id == fid]


def test_reference_as_of_2026_11_28_reports_the_four_required_findings() -> None:
    findings = validate(reference_like(), as_of=AS_OF)
    expired = by_id(findings, "licence.expired")
    assert len(expired) == 1 and expired[0].severity is Severity.CRITICAL
    assert expired[0].evidence[0].line == 25
    renewal = by_id(findings, "licence.renewal_deadline_passed")
    assert (
        len(renewal) == 1 and "2026-07-22" in renewal[0].message_zh and "2026-07-22" in renewal[0].message_en
    )
    assert any(s.article == "第二十七条" for s in renewal[0].sources)
    validity = by_id(findings, "licence.validity_unusual")
    assert len(validity) == 1 and validity[0].severity is Severity.HIGH
    assert "far shorter than 5 years" in validity[0].message_en
    facilities = by_id(findings, "facility.outside_coverage")
    assert len(facilities) == 5 and all(f.severity is Severity.HIGH for f in facilities)
    assert {f.subject for f in facilities} == {
        "website:maichetong.com.cn",
        "website:autoengine.com",
        "website:dongchedi.com",
        "app:autoengine.com",
        "app:dcarapi.com",
    }
    first = facilities[0]
    assert "廊坊" in first.message_zh and "河北" in first.message_zh and "16(4)" in first.message_en
    licence_source = first.sources[0]
    assert (licence_source.reliability, licence_source.article, licence_source.item) == (
        Reliability.LICENCE,
        "十六",
        "(四)",
    )
    assert first.sources[1].reliability is Reliability.UNCONFIRMED and "§9(4)" in (
        first.sources[1].article or ""
    )
    assert [e.line for e in first.evidence] == [54, 241]


def test_ocr_warnings_become_low_findings_and_other_warnings_do_not() -> None:
    ocr = by_id(validate(reference_like(), as_of=AS_OF), "ocr.suspicious_value")
    assert len(ocr) == 1 and ocr[0].severity is Severity.LOW and ocr[0].evidence[0].line == 97
    assert "App Store" in ocr[0].message_zh


def test_nothing_high_for_a_sound_five_year_licence_hosted_in_its_province() -> None:
    sites = tuple(
        dataclasses.replace(s, server_location="重庆市两江新区云计算中心") for s in reference_like().sites
    )
    sound = reference_like(
        issue_date=date(2024, 1, 10), expiry_date=date(2029, 1, 10), sites=sites, warnings=()
    )
    assert validate(sound, as_of=AS_OF) == []


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 10, 20), ["licence.renewal_deadline_passed"]),  # the last day of validity
        (date(2026, 10, 21), ["licence.expired", "licence.renewal_deadline_passed"]),
        (date(2026, 7, 22), ["licence.renewal_deadline_near"]),  # the deadline day itself is still in time
        (date(2026, 7, 23), ["licence.renewal_deadline_passed"]),
        (date(2026, 6, 21), []),
    ],
)
def test_expiry_and_renewal_boundaries(as_of: date, expected: list[str]) -> None:
    found = [
        i
        for i in ids(validate(reference_like(), as_of=as_of))
        if i.startswith("licence.") and "validity" not in i
    ]
    assert found == expected


def test_renewal_deadline_is_ninety_calendar_days_before_expiry() -> None:
    assert renewal_deadline(date(2026, 10, 20)) == date(2026, 7, 22)
    assert renewal_deadline(date(2020, 1, 1)) == date(2019, 10, 3)  # before the holiday calendar: plain days


def test_validity_longer_or_slightly_short_is_medium() -> None:
    long = validate(
        reference_like(issue_date=date(2020, 1, 1), expiry_date=date(2030, 1, 1)), as_of=date(2021, 1, 1)
    )
    assert [f.severity for f in by_id(long, "licence.validity_unusual")] == [Severity.MEDIUM]
    short = validate(
        reference_like(issue_date=date(2020, 1, 1), expiry_date=date(2024, 1, 1)), as_of=date(2021, 1, 1)
    )
    assert [f.severity for f in by_id(short, "licence.validity_unusual")] == [Severity.MEDIUM]
    edge = validate(
        reference_like(issue_date=date(2020, 1, 1), expiry_date=date(2024, 12, 31)), as_of=date(2021, 1, 1)
    )
    assert by_id(edge, "licence.validity_unusual") == []


def test_expiry_before_issue_is_inconsistent() -> None:
    findings = validate(reference_like(issue_date=date(2026, 11, 1)), as_of=date(2026, 1, 1))
    assert ids(by_id(findings, "licence.dates_inconsistent")) == ["licence.dates_inconsistent"]
    assert ids(by_id(findings, "licence.issued_in_future")) == ["licence.issued_in_future"]


def test_stated_issuer_that_differs_from_the_number() -> None:
    findings = validate(
        reference_like(issuer=Issuer("四川省通信管理局", stated=True)), as_of=date(2026, 6, 1)
    )
    mismatch = by_id(findings, "number.issuer_mismatch")
    assert len(mismatch) == 1 and mismatch[0].severity is Severity.HIGH
    assert "重庆市通信管理局" in mismatch[0].message_zh
    assert (
        by_id(
            validate(reference_like(issuer=Issuer("重庆市通信管理局", stated=True)), as_of=AS_OF),
            "number.issuer_mismatch",
        )
        == []
    )


@pytest.mark.parametrize("stated", ["重庆市通信管理局", "重庆通信管理局", " 重庆市 通信管理局 "])
def test_issuer_spellings_of_the_same_authority_match(stated: str) -> None:
    findings = validate(reference_like(issuer=Issuer(stated, stated=True)), as_of=date(2026, 6, 1))
    assert by_id(findings, "number.issuer_mismatch") == []


def test_miit_spellings_match_a_cross_regional_number() -> None:
    for stated in ("工业和信息化部", "中华人民共和国工业和信息化部", "工信部"):
        licence = reference_like(
            number="B2-20090059", number_info=parse("B2-20090059"), issuer=Issuer(stated, stated=True)
        )
        assert by_id(validate(licence, as_of=date(2026, 6, 1)), "number.issuer_mismatch") == []
    provincial = reference_like(issuer=Issuer("工业和信息化部", stated=True))
    assert len(by_id(validate(provincial, as_of=date(2026, 6, 1)), "number.issuer_mismatch")) == 1


def test_provincial_number_with_coverage_outside_its_province() -> None:
    services = (Service("B25", "信息服务业务", coverage=("重庆市", "四川省")),)
    findings = validate(reference_like(services=services), as_of=date(2026, 6, 1))
    outside = by_id(findings, "coverage.outside_number_region")
    assert len(outside) == 1 and outside[0].severity is Severity.HIGH and "四川省" in outside[0].message_zh
    nationwide = validate(
        reference_like(services=(Service("B25", "信息服务业务", coverage=("全国",)),)), as_of=date(2026, 6, 1)
    )
    assert len(by_id(nationwide, "coverage.outside_number_region")) == 1


def test_coverage_missing_or_unrecognised_is_low() -> None:
    services = (
        Service("B25", "信息服务业务", coverage=()),
        Service("B21", "在线数据处理与交易处理业务", coverage=("重庆市主城区", "火星")),
    )
    findings = validate(reference_like(services=services), as_of=date(2026, 6, 1))
    assert [(f.id, f.subject) for f in findings if f.id.startswith("coverage.")] == [
        ("coverage.missing", "B25"),
        ("coverage.unrecognised", "B21"),
    ]
    assert all(f.severity is Severity.LOW for f in findings if f.id.startswith("coverage."))


def test_cross_regional_number_with_nationwide_coverage_is_fine() -> None:
    licence = reference_like(
        number="B2-20090059",
        number_info=parse("B2-20090059"),
        title=LicenceTitle.CROSS_REGIONAL.value,
        issuer=Issuer("中华人民共和国工业和信息化部", stated=True),
        services=(Service("B21", "在线数据处理与交易处理业务", coverage=("全国",)),),
    )
    findings = validate(licence, as_of=date(2026, 6, 1))
    assert not [f for f in findings if f.id.startswith(("number.", "coverage.", "facility."))]


def test_title_and_number_level_must_agree() -> None:
    findings = validate(reference_like(title=LicenceTitle.CROSS_REGIONAL.value), as_of=date(2026, 6, 1))
    assert ids(by_id(findings, "number.title_mismatch")) == ["number.title_mismatch"]


def test_malformed_or_wrong_kind_number() -> None:
    bad = validate(reference_like(number="渝B2-2021046"), as_of=date(2026, 6, 1))
    assert [f.severity for f in by_id(bad, "number.invalid")] == [Severity.HIGH]
    filing = validate(reference_like(number="渝ICP备2021000001号"), as_of=date(2026, 6, 1))
    assert ids(by_id(filing, "number.wrong_kind")) == ["number.wrong_kind"]


def test_company_named_after_another_region() -> None:
    findings = validate(reference_like(company="北京万象优车科技有限公司"), as_of=date(2026, 6, 1))
    assert [f.severity for f in by_id(findings, "number.company_region_mismatch")] == [Severity.LOW]


def test_facility_rule_is_found_by_content_and_scoped_to_its_business_type() -> None:
    only_b25 = tuple(dataclasses.replace(s, services=("B25",)) for s in reference_like().sites)
    assert by_id(validate(reference_like(sites=only_b25), as_of=AS_OF), "facility.outside_coverage") == []
    renumbered = tuple(dataclasses.replace(p, number=p.number + 1) for p in reference_like().provisions)
    found = by_id(validate(reference_like(provisions=renumbered), as_of=AS_OF), "facility.outside_coverage")
    assert len(found) == 5 and found[0].sources[0].article == "十七"
    without = (reference_like().provisions[0],)
    assert by_id(validate(reference_like(provisions=without), as_of=AS_OF), "facility.outside_coverage") == []


def test_facility_provision_governing_every_type_gives_one_finding_per_site() -> None:
    general = (Provision(9, "你公司应当在许可的业务覆盖范围内组建业务平台设施。"),)
    found = by_id(validate(reference_like(provisions=general), as_of=AS_OF), "facility.outside_coverage")
    assert len(found) == 5
    assert "B25：重庆市，据编号推定；B21：重庆市，据编号推定" in found[0].message_zh
    assert found[0].sources[0].article == "九" and found[0].sources[0].item is None


def test_unplaceable_server_address_is_info() -> None:
    sites = (dataclasses.replace(reference_like().sites[0], server_location="万国6号数据中心"),)
    findings = validate(reference_like(sites=sites), as_of=AS_OF)
    assert [f.severity for f in by_id(findings, "facility.location_unknown")] == [Severity.INFO]
    assert by_id(findings, "facility.outside_coverage") == []


def test_site_listed_under_one_type_while_its_twin_is_under_another() -> None:
    sites = list(reference_like().sites)
    sites[3] = dataclasses.replace(sites[3], services=("B25",))  # the 巨懂车 app loses B21
    findings = by_id(validate(reference_like(sites=tuple(sites)), as_of=AS_OF), "site.listed_under_one_type")
    assert len(findings) == 1
    assert findings[0].subject == "app:autoengine.com" and findings[0].severity is Severity.MEDIUM
    assert "B21" in findings[0].message_zh


def test_missing_mandatory_fields() -> None:
    licence = reference_like(company="", legal_representative=None, issue_date=None, expiry_date=None)
    missing = {(f.subject, f.severity) for f in by_id(validate(licence, as_of=AS_OF), "field.missing")}
    assert missing == {
        ("company", Severity.HIGH),
        ("expiry_date", Severity.HIGH),
        ("issue_date", Severity.MEDIUM),
        ("legal_representative", Severity.MEDIUM),
    }


def test_every_finding_is_bilingual_and_cites_sources() -> None:
    for f in validate(reference_like(), as_of=AS_OF):
        assert f.message_zh and f.message_en and f.sources and f.licence == "渝B2-20210467"


def test_audit_sorts_most_severe_first() -> None:
    findings = audit_licence(reference_like(), as_of=AS_OF)
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks) and findings[0].id == "licence.expired"
    # audit = validate + the rules engine's obligation findings
    assert set(ids(validate(reference_like(), as_of=AS_OF))) <= set(ids(findings))


def test_configured_renewal_horizon_moves_validation_and_audit() -> None:
    from vats.rules.audit import audit_portfolio
    from vats.rules.horizon import renewal_days_before
    from vats.rules.settings import EngineSettings

    longer = EngineSettings(numbers={"renewal_days_before": 120})
    as_of = date(2026, 7, 1)  # 111 days before expiry: near by default, past with 120 days
    assert renewal_days_before() == 90 and renewal_days_before(longer) == 120
    assert "licence.renewal_deadline_near" in ids(validate(reference_like(), as_of=as_of))
    assert "licence.renewal_deadline_passed" in ids(validate(reference_like(), as_of=as_of, settings=longer))
    (audit,) = audit_portfolio([reference_like()], [], as_of=as_of, settings=longer)
    assert "licence.renewal_deadline_passed" in ids(audit.findings)
    assert renewal_deadline(date(2026, 10, 20), settings=longer) < renewal_deadline(date(2026, 10, 20))
