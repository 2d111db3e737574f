"""Judging real homepages served on 127.0.0.1: every display variant has its own result code."""

from __future__ import annotations

from typing import Any

import pytest

from vats.checks.fetch import FetchSettings
from vats.checks.fixture_server import Route
from vats.checks.homepage import classify_number, evaluate, run_checks, targets_for
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import CheckKind, Fetched, Outcome, SiteReport, SiteTarget
from vats.ingest.numbers import parse

LICENCE = "渝B2-20210467"
FILING = "<a href='https://beian.miit.gov.cn/'>渝ICP备2021000001号-1</a>"


def html(body: str, footer: str = "", charset: str = "utf-8") -> bytes:
    doc = (
        f"<!doctype html><html><head><meta charset='{charset}'><title>首页</title></head><body>"
        f"<div id='content'><h1>欢迎</h1><p>{'汽车资讯 ' * 50}</p>{body}</div>"
        f"<div class='footer'>{footer}</div></body></html>"
    )
    return doc.encode(charset)


COMPLIANT = html("", f"经营许可证编号：{LICENCE} {FILING}")

ROUTES: dict[str, Route] = {
    "good.test": Route(COMPLIANT),
    "missing.test": Route(html("", f"© 2026 {FILING}")),
    "alt.test": Route(html("", f"<img src='licence.png' alt='经营许可证 {LICENCE}'> {FILING}")),
    "hidden.test": Route(html("", f"<span style='display:none'>{LICENCE}</span> {FILING}")),
    "province.test": Route(html("", f"经营许可证：川B2-20210467 {FILING}")),
    "other.test": Route(html("", f"经营许可证：京B2-20200001 {FILING}")),
    "gbk.test": Route(
        html("", f"增值电信业务经营许可证：{LICENCE} {FILING}", charset="gbk"),
        content_type="text/html; charset=GBK",
    ),
    "unlinked.test": Route(html("", f"{LICENCE} 渝ICP备2021000001号-1")),
    "body.test": Route(html(f"<p>许可证 {LICENCE}</p>" + "<p>更多内容</p>" * 200, FILING)),
    "hop.test": Route(status=302, location="http://elsewhere.test/landing"),
    "elsewhere.test": Route(COMPLIANT),
    "metadata.test": Route(status=302, location="http://169.254.169.254/latest/meta-data/"),
    "huge.test": Route(f"<html><body><footer>{LICENCE} {FILING}</footer>".encode(), size=30 * 1024 * 1024),
    "flaky.test": Route(COMPLIANT, fail_times=2),
    "slow.test": Route(COMPLIANT, delay=1.0),
}
LISTED = frozenset(ROUTES) - {"elsewhere.test"}


@pytest.fixture(scope="module")
def reports() -> dict[str, SiteReport]:
    from vats.checks.fixture_server import FixtureServer

    with FixtureServer(ROUTES) as server:
        policy = NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in server.resolve_args()))
        settings = FetchSettings(timeout=0.4, retries=2, backoff=0.01, concurrency=8)
        targets = [SiteTarget(d, LICENCE, LISTED) for d in sorted(LISTED)]
        done = run_checks(targets, settings=settings, policy=policy)
    return {r.target.domain: r for r in done}


def _code(report: SiteReport, kind: CheckKind) -> tuple[Outcome, str]:
    result = next(r for r in report.results if r.check is kind)
    return result.outcome, result.code


@pytest.mark.parametrize(
    ("domain", "outcome", "code"),
    [
        ("good.test", Outcome.PASS, "displayed"),
        ("missing.test", Outcome.FAIL, "missing"),
        ("alt.test", Outcome.FAIL, "alt_text_only"),
        ("hidden.test", Outcome.FAIL, "hidden_only"),
        ("province.test", Outcome.FAIL, "wrong_region"),
        ("other.test", Outcome.FAIL, "other_number"),
        ("gbk.test", Outcome.PASS, "displayed"),
        ("unlinked.test", Outcome.PASS, "displayed"),
        ("body.test", Outcome.PASS, "displayed"),
        ("huge.test", Outcome.PASS, "displayed"),
        ("flaky.test", Outcome.PASS, "displayed"),
    ],
)
def test_licence_number_display(
    reports: dict[str, SiteReport], domain: str, outcome: Outcome, code: str
) -> None:
    assert _code(reports[domain], CheckKind.LICENCE_NUMBER) == (outcome, code)


def test_compliant_site_passes_everything_with_evidence(reports: dict[str, SiteReport]) -> None:
    report = reports["good.test"]
    assert report.passed
    result = next(r for r in report.results if r.check is CheckKind.LICENCE_NUMBER)
    snippet = result.evidence.snippets[0]
    assert snippet.number == LICENCE and snippet.in_footer
    assert LICENCE in snippet.text
    ev = result.evidence
    assert ev.requested_url == ev.final_url == "http://good.test/" and ev.status == 200
    assert ev.body_sm3 is not None and len(ev.body_sm3) == 64 and ev.fetched_at is not None
    assert result.sources and result.sources[0].article == "第十二条"
    assert _code(report, CheckKind.FILING_NUMBER) == (Outcome.PASS, "filing_linked")


def test_number_in_body_is_not_footer(reports: dict[str, SiteReport]) -> None:
    result = next(r for r in reports["body.test"].results if r.check is CheckKind.LICENCE_NUMBER)
    assert not result.evidence.snippets[0].in_footer


def test_gbk_page_decoded(reports: dict[str, SiteReport]) -> None:
    result = next(r for r in reports["gbk.test"].results if r.check is CheckKind.LICENCE_NUMBER)
    assert result.evidence.encoding == "gb18030"
    assert "增值电信业务经营许可证" in result.evidence.snippets[0].text


def test_filing_not_linked(reports: dict[str, SiteReport]) -> None:
    assert _code(reports["unlinked.test"], CheckKind.FILING_NUMBER) == (Outcome.FAIL, "filing_not_linked")
    assert not reports["unlinked.test"].passed


def test_redirect_to_unlisted_domain(reports: dict[str, SiteReport]) -> None:
    report = reports["hop.test"]
    assert _code(report, CheckKind.REDIRECT) == (Outcome.FAIL, "redirect_unlisted")
    assert "elsewhere.test" in next(r for r in report.results if r.check is CheckKind.REDIRECT).message_en
    assert _code(report, CheckKind.LICENCE_NUMBER) == (Outcome.PASS, "displayed")
    assert not report.passed


def test_redirect_to_metadata_refused(reports: dict[str, SiteReport]) -> None:
    report = reports["metadata.test"]
    assert _code(report, CheckKind.REACHABLE) == (Outcome.ERROR, "refused_address")
    assert _code(report, CheckKind.REDIRECT) == (Outcome.FAIL, "redirect_unlisted")
    assert not any(r.check is CheckKind.LICENCE_NUMBER for r in report.results)


def test_huge_page_truncated_warns(reports: dict[str, SiteReport]) -> None:
    assert _code(reports["huge.test"], CheckKind.REACHABLE) == (Outcome.WARN, "truncated")
    ev = reports["huge.test"].results[0].evidence
    assert ev.truncated and ev.body_bytes == FetchSettings().max_bytes


def test_slow_server_is_an_error(reports: dict[str, SiteReport]) -> None:
    assert _code(reports["slow.test"], CheckKind.REACHABLE) == (Outcome.ERROR, "timeout")
    assert not reports["slow.test"].passed


def test_classify_number_variants() -> None:
    expected = parse(LICENCE)
    assert classify_number(parse(LICENCE), expected) == "exact"
    assert classify_number(parse("川B2-20210467"), expected) == "wrong_region"
    assert classify_number(parse("渝B1.B2-20210467"), expected) == "variant_format"
    assert classify_number(parse("渝B2-20210468"), expected) == "other_number"


def test_evaluate_without_body_has_no_display_result() -> None:
    target = SiteTarget("x.test", LICENCE, frozenset({"x.test"}))
    fetched = Fetched("https://x.test/", None, None, error="connect_error", error_detail="refused")
    report = evaluate(target, fetched)
    assert [r.check for r in report.results] == [CheckKind.REACHABLE, CheckKind.REDIRECT]
    assert not report.passed


def test_targets_for_seed_licence(seed_path: Any) -> None:
    from vats.ingest.document import read_licence

    targets = targets_for(read_licence(seed_path))
    assert [t.domain for t in targets] == ["maichetong.com.cn", "autoengine.com", "dongchedi.com"]
    assert "dcarapi.com" in targets[0].listed_domains
    assert all(t.licence == LICENCE for t in targets)


def test_judging_in_a_worker_process_matches_inline() -> None:
    from vats.checks.fixture_server import FixtureServer
    from vats.checks.homepage import POOL_THRESHOLD

    hosts = [f"s{i}.test" for i in range(POOL_THRESHOLD)]
    large = f"<p>{'汽车资讯 ' * 30_000}</p>"  # a 400 KB page crosses the worker socket in several reads
    bodies = [
        html(large if i % 4 < 2 else "", f"{LICENCE} {FILING}" if i % 2 else "") for i in range(len(hosts))
    ]
    routes = {h: Route(body) for h, body in zip(hosts, bodies, strict=True)}
    with FixtureServer(routes) as server:
        policy = NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in server.resolve_args()))
        targets = [SiteTarget(h, LICENCE, frozenset(hosts)) for h in hosts]
        pooled = run_checks(targets, settings=FetchSettings(timeout=5), policy=policy, judge_workers=1)
        inline = run_checks(targets, settings=FetchSettings(timeout=5), policy=policy, judge_workers=0)
    assert [r.target.domain for r in pooled] == hosts
    assert [r.passed for r in pooled] == [bool(i % 2) for i in range(len(hosts))]
    assert [[c.code for c in r.results] for r in pooled] == [[c.code for c in r.results] for r in inline]
