"""An expired licence's homepage fails, and another licence number on the page is reported."""

from __future__ import annotations

from datetime import date, timedelta

from factories import register_licence
from vats.checks.fetch import FetchSettings
from vats.checks.fixture_server import Route
from vats.checks.homepage import run_checks, targets_for
from vats.checks.net import NetPolicy, parse_resolve
from vats.checks.results import CheckKind, CheckResult, Outcome, SiteReport, SiteTarget
from vats.model.clock import today
from vats.model.licence import Site, SiteKind

LICENCE = "渝B2-20210467"
OTHER = "京B2-20200001"
FILING = "<a href='https://beian.miit.gov.cn/'>渝ICP备2021000001号-1</a>"


def _page(footer: str) -> bytes:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>首页</title></head><body>"
        f"<div id='content'><p>{'汽车资讯 ' * 50}</p></div><div class='footer'>{footer}</div></body></html>"
    ).encode()


ROUTES = {
    "shown.test": Route(_page(f"经营许可证编号：{LICENCE} {FILING}")),
    "two.test": Route(_page(f"经营许可证编号：{LICENCE}；合作方许可证：{OTHER} {FILING}")),
}


def _check(serve: object, targets: list[SiteTarget]) -> dict[str, SiteReport]:
    server = serve(ROUTES)  # type: ignore[operator]
    policy = NetPolicy(allow_private=True, resolve=tuple(parse_resolve(r) for r in server.resolve_args()))
    settings = FetchSettings(timeout=2.0, retries=0, concurrency=2)
    return {r.target.domain: r for r in run_checks(targets, settings=settings, policy=policy)}


def _display(report: SiteReport) -> list[CheckResult]:
    return [r for r in report.results if r.check is CheckKind.LICENCE_NUMBER]


def test_a_number_shown_after_its_expiry_fails_naming_number_and_expiry(serve: object) -> None:
    expired = today() - timedelta(days=3)
    target = SiteTarget("shown.test", LICENCE, frozenset({"shown.test"}), "汽车网", expired)
    report = _check(serve, [target])["shown.test"]
    (result,) = _display(report)
    assert result.outcome is Outcome.FAIL and result.code == "expired_number"
    assert LICENCE in result.message_zh and expired.isoformat() in result.message_zh
    assert "不再有效" in result.message_zh and not report.passed


def test_the_same_page_passes_while_the_licence_is_valid(serve: object) -> None:
    valid = today() + timedelta(days=300)
    report = _check(serve, [SiteTarget("shown.test", LICENCE, frozenset({"shown.test"}), None, valid)])
    assert [(r.outcome, r.code) for r in _display(report["shown.test"])] == [(Outcome.PASS, "displayed")]
    assert report["shown.test"].passed


def test_targets_carry_the_licence_expiry() -> None:
    licence = register_licence()
    site = Site(name="汽车网", domain="shown.test", kind=SiteKind.WEBSITE)
    from dataclasses import replace

    licence = replace(licence, sites=(site,), expiry_date=date(2020, 1, 1))
    (target,) = targets_for(licence)
    assert target.expires == date(2020, 1, 1) and target.licence == licence.number


def test_another_licence_number_on_the_page_is_reported_by_name(serve: object) -> None:
    target = SiteTarget("two.test", LICENCE, frozenset({"two.test"}), None, today() + timedelta(days=300))
    report = _check(serve, [target])["two.test"]
    display, other = _display(report)
    assert (display.outcome, display.code) == (Outcome.PASS, "displayed")
    assert (other.outcome, other.code) == (Outcome.WARN, "other_number_also_shown")
    assert OTHER in other.message_zh and LICENCE in other.message_zh
    assert [s.number for s in other.evidence.snippets] == [OTHER]
    assert report.passed  # a warning: the expected number is there
    alone = _check(serve, [SiteTarget("shown.test", LICENCE, frozenset({"shown.test"}))])["shown.test"]
    assert len(_display(alone)) == 1
