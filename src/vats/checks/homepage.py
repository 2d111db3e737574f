"""The homepage licence-display check: fetch each listed website, then judge what a visitor sees.

Judging is a pure function of (target, fetched page) so it is tested on real pages and reused by the
benchmark; crawling many sites runs a fixed pool of workers over an iterator, so memory stays flat
however long the list is (no queue grows with the input).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date
from functools import lru_cache
from urllib.parse import urlsplit

from vats.checks import legal
from vats.checks.fetch import Fetcher, FetchSettings
from vats.checks.judging import JudgeWorkers
from vats.checks.net import NetPolicy
from vats.checks.page import PageText, decode, extract
from vats.checks.results import (
    CheckEvidence,
    CheckKind,
    CheckResult,
    Fetched,
    Outcome,
    SiteReport,
    SiteTarget,
    Snippet,
)
from vats.ingest.numbers import Found, find, parse
from vats.model.clock import CHINA, today
from vats.model.errors import VatsError
from vats.model.licence import Licence, SiteKind
from vats.model.numbers import LicenceNumber, NumberKind
from vats.model.sources import SourceRef

MIIT_FILING_HOST = "beian.miit.gov.cn"
SNIPPET_CONTEXT = 30
DISPLAY_SOURCES = (legal.HOMEPAGE_DISPLAY, legal.LICENCE_DISPLAY, legal.DISPLAY_PENALTY)
FILING_SOURCES = (legal.FILING_LINK, legal.FILING_PENALTY)


def normalise_domain(text: str) -> str:
    """`https://WWW.Example.com/x` → `www.example.com`: the host part, lower case, no trailing dot."""
    text = text.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or text
    return host.lower().rstrip(".")


def covers(listed: str, host: str) -> bool:
    """A listed domain covers itself and its sub-domains (www.dongchedi.com is dongchedi.com's)."""
    return host == listed or host.endswith("." + listed)


def targets_for(licence: Licence) -> list[SiteTarget]:
    """One target per distinct website domain of the licence (app API domains have no homepage)."""
    listed = frozenset(normalise_domain(s.domain) for s in licence.sites if s.domain)
    seen: dict[str, SiteTarget] = {}
    for site in licence.sites:
        domain = normalise_domain(site.domain) if site.domain else ""
        if site.kind is SiteKind.WEBSITE and domain and domain not in seen:
            seen[domain] = SiteTarget(domain, licence.number, listed, site.name, licence.expiry_date)
    return list(seen.values())


@lru_cache(maxsize=1024)
def _expected(number: str) -> LicenceNumber | None:
    try:
        return parse(number)
    except VatsError:
        return None


def classify_number(found: LicenceNumber, expected: LicenceNumber) -> str:
    """exact | variant_format | wrong_region | other_number — how a displayed number relates to ours."""
    if found.base == expected.base or found.canonical == expected.canonical:
        return "exact"
    same_serial = found.year == expected.year and found.serial == expected.serial
    if not same_serial:
        return "other_number"
    if found.region_char != expected.region_char and found.region_char and expected.region_char:
        return "wrong_region"
    return "variant_format"


def _snippet(text: str, hit: Found, page: PageText | None, where: str) -> Snippet:
    lo = max(0, hit.start - SNIPPET_CONTEXT)
    context = " ".join(text[lo : hit.end + SNIPPET_CONTEXT].split())
    segment = page.context(hit.start) if page is not None and where == "visible" else None
    in_footer = bool(segment and segment.in_footer) or (
        page is not None and where == "visible" and page.in_tail(hit.start)
    )
    return Snippet(
        text=context,
        number=hit.canonical,
        start=hit.start,
        end=hit.end,
        in_footer=in_footer,
        link=segment.link if segment else None,
        where=where,
    )


def _result(
    target: SiteTarget,
    check: CheckKind,
    outcome: Outcome,
    code: str,
    zh: str,
    en: str,
    evidence: CheckEvidence,
    snippets: Iterable[Snippet] = (),
    sources: tuple[SourceRef, ...] = (),
) -> CheckResult:
    return CheckResult(
        domain=target.domain,
        check=check,
        outcome=outcome,
        code=code,
        message_zh=zh,
        message_en=en,
        evidence=replace(evidence, snippets=tuple(snippets)),
        licence=target.licence,
        sources=sources,
    )


def evaluate(target: SiteTarget, fetched: Fetched) -> SiteReport:
    """Every check result for one fetched homepage."""
    text, encoding = decode(fetched.body, fetched.content_type) if fetched.body else ("", None)
    evidence = CheckEvidence(
        requested_url=fetched.requested_url,
        final_url=fetched.final_url,
        status=fetched.status,
        elapsed_ms=fetched.elapsed_ms,
        fetched_at=fetched.fetched_at,
        body_sm3=hashlib.new("sm3", fetched.body).hexdigest() if fetched.status is not None else None,
        body_bytes=len(fetched.body),
        truncated=fetched.truncated,
        encoding=encoding,
        hops=fetched.hops,
        error=fetched.error,
        error_detail=fetched.error_detail,
    )
    results = [_reachable(target, fetched, evidence), _redirect(target, fetched, evidence)]
    if fetched.ok:
        page = extract(text)
        found = find(page.visible)
        if target.licence:
            results.append(_licence_number(target, page, found, evidence, _check_day(fetched)))
            others = _other_numbers(target, page, found, evidence)
            if others is not None:
                results.append(others)
        results.append(_filing(target, page, found, evidence))
    return SiteReport(target, tuple(results))


def _reachable(target: SiteTarget, fetched: Fetched, ev: CheckEvidence) -> CheckResult:
    kind = CheckKind.REACHABLE
    if fetched.error:
        return _result(
            target,
            kind,
            Outcome.ERROR,
            fetched.error,
            f"首页无法获取（{fetched.error}）：{fetched.error_detail}",
            f"homepage could not be fetched ({fetched.error}): {fetched.error_detail}",
            ev,
        )
    if not fetched.ok:
        return _result(
            target,
            kind,
            Outcome.FAIL,
            f"http_{fetched.status}",
            f"首页返回 HTTP {fetched.status}",
            f"homepage answered HTTP {fetched.status}",
            ev,
        )
    if fetched.truncated:
        return _result(
            target,
            kind,
            Outcome.WARN,
            "truncated",
            f"首页超过 {ev.body_bytes} 字节，仅检查了前部分",
            f"homepage larger than {ev.body_bytes} bytes; only the start was checked",
            ev,
        )
    return _result(target, kind, Outcome.PASS, "ok", "首页可访问", "homepage reachable", ev)


def _redirect(target: SiteTarget, fetched: Fetched, ev: CheckEvidence) -> CheckResult:
    kind = CheckKind.REDIRECT
    hosts = [normalise_domain(h.url) for h in fetched.hops[1:]]
    if fetched.hops and fetched.final_url and fetched.error:
        hosts.append(normalise_domain(fetched.final_url))  # e.g. a refused redirect target
    allowed = target.listed_domains | {target.domain}
    outside = [h for h in dict.fromkeys(hosts) if not any(covers(d, h) for d in allowed)]
    if outside:
        return _result(
            target,
            kind,
            Outcome.FAIL,
            "redirect_unlisted",
            f"首页跳转至许可证未载明的域名：{', '.join(outside)}",
            f"homepage redirects to a domain the licence does not list: {', '.join(outside)}",
            ev,
            sources=(legal.SITE_CHANGE, legal.LICENCE_SCOPE),
        )
    if len(fetched.hops) > 1:
        return _result(
            target,
            kind,
            Outcome.PASS,
            "redirect_listed",
            "跳转目标在许可证载明的域名内",
            "redirects stay within the licence's domains",
            ev,
        )
    return _result(target, kind, Outcome.PASS, "no_redirect", "无跳转", "no redirect", ev)


# code -> (outcome, zh, en); templates take {number} (expected), {shown} (seen) and {where_zh}/{where_en}.
DISPLAY_VERDICTS: dict[str, tuple[Outcome, str, str]] = {
    "displayed": (
        Outcome.PASS,
        "首页{where_zh}显示许可证编号 {number}",
        "licence number {number} is displayed ({where_en})",
    ),
    "wrong_region": (
        Outcome.FAIL,
        "首页显示的编号 {shown} 省份简称有误，应为 {number}",
        "the page shows {shown} with the wrong province character; expected {number}",
    ),
    "variant_format": (
        Outcome.WARN,
        "首页显示 {shown}，格式与许可证编号 {number} 不一致",
        "the page shows {shown}, a different format of {number}",
    ),
    "other_number": (
        Outcome.FAIL,
        "首页显示的是其他许可证编号 {shown}，未显示 {number}",
        "the page shows another licence number ({shown}), not {number}",
    ),
    "alt_text_only": (
        Outcome.FAIL,
        "许可证编号 {number} 仅出现在图片的替代文本中，访问者看不到",
        "licence number {number} appears only in an image's alt text, which visitors do not see",
    ),
    "hidden_only": (
        Outcome.FAIL,
        "许可证编号 {number} 仅出现在隐藏元素中",
        "licence number {number} is only in hidden elements",
    ),
    "missing": (
        Outcome.FAIL,
        "首页未显示许可证编号 {number}",
        "licence number {number} is not displayed on the homepage",
    ),
}
# A licence shown after its expiry date: the number is no longer valid (replaces "displayed").
EXPIRED_VERDICT = (
    Outcome.FAIL,
    "首页显示的许可证编号 {number} 已于 {expiry} 到期（检查日 {day}），该编号已不再有效",
    "the page shows licence number {number}, which expired on {expiry} (checked on {day}); "
    "it is no longer valid",
)
# When several kinds of number are shown, the best one decides (the right number anywhere passes).
VISIBLE_PRECEDENCE = ("displayed", "wrong_region", "variant_format", "other_number")


def _display_code(target: SiteTarget, page: PageText, found: list[Found]) -> tuple[str, list[Snippet]]:
    """Which DISPLAY_VERDICTS code applies, and the snippets that show it."""
    expected = _expected(target.licence or "")
    number = target.licence

    def ours(hit: Found) -> bool:
        return hit.canonical == number or (expected is not None and hit.number.base == expected.base)

    by_code: dict[str, list[Snippet]] = {}
    for hit in found:
        if hit.kind in (NumberKind.VATS_LICENCE, NumberKind.ICP_LICENCE):
            cls = (
                classify_number(hit.number, expected)
                if expected
                else ("exact" if ours(hit) else "other_number")
            )
            code = "displayed" if cls == "exact" else cls
            by_code.setdefault(code, []).append(_snippet(page.visible, hit, page, "visible"))
    for code in VISIBLE_PRECEDENCE:
        if code in by_code:
            return code, by_code[code]
    alt = [_snippet(text, h, None, "alt") for text, _link in page.alt for h in find(text) if ours(h)]
    if alt:
        return "alt_text_only", alt
    hidden = [_snippet(page.hidden, h, None, "hidden") for h in find(page.hidden) if ours(h)]
    if hidden:
        return "hidden_only", hidden
    return "missing", []


def _check_day(fetched: Fetched) -> date:
    """The check date in Beijing (the fetch time, else today)."""
    if fetched.fetched_at is None:
        return today()
    moment = fetched.fetched_at
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(CHINA).date()


def _licence_number(
    target: SiteTarget, page: PageText, found: list[Found], ev: CheckEvidence, day: date
) -> CheckResult:
    code, snippets = _display_code(target, page, found)
    outcome, zh, en = DISPLAY_VERDICTS[code]
    if code in ("displayed", "variant_format") and target.expires is not None and day > target.expires:
        code = "expired_number"
        outcome, zh, en = EXPIRED_VERDICT
    footer = any(s.in_footer for s in snippets)
    values = {
        "number": target.licence,
        "shown": snippets[0].number if snippets else "",
        "where_zh": "页脚" if footer else "页面正文",
        "where_en": "footer" if footer else "page body",
        "expiry": target.expires.isoformat() if target.expires else "",
        "day": day.isoformat(),
    }
    message_zh, message_en = zh.format(**values), en.format(**values)
    kind = CheckKind.LICENCE_NUMBER
    return _result(target, kind, outcome, code, message_zh, message_en, ev, snippets, DISPLAY_SOURCES)


def _other_numbers(
    target: SiteTarget, page: PageText, found: list[Found], ev: CheckEvidence
) -> CheckResult | None:
    """Licence numbers on the page other than the one expected for the site, when the expected one is
    also shown (without it, the display verdict already names the other number)."""
    expected = _expected(target.licence or "")
    others: dict[str, Snippet] = {}
    ours = False
    for hit in found:
        if hit.kind not in (NumberKind.VATS_LICENCE, NumberKind.ICP_LICENCE):
            continue
        same = (
            classify_number(hit.number, expected) in ("exact", "variant_format")
            if expected
            else hit.canonical == target.licence
        )
        if same:
            ours = True
        else:
            others.setdefault(hit.canonical, _snippet(page.visible, hit, page, "visible"))
    if not ours or not others:
        return None
    shown = "、".join(others)
    return _result(
        target,
        CheckKind.LICENCE_NUMBER,
        Outcome.WARN,
        "other_number_also_shown",
        f"首页还显示了其他许可证编号 {shown}（本网站对应的许可证为 {target.licence}），"
        "请核实是否为本单位持有的有效许可证",
        f"the page also shows another licence number, {', '.join(others)} (this site's licence is "
        f"{target.licence}); check that it is a valid licence the holder owns",
        ev,
        others.values(),
        DISPLAY_SOURCES,
    )


def _filing(target: SiteTarget, page: PageText, found: list[Found], ev: CheckEvidence) -> CheckResult:
    kind = CheckKind.FILING_NUMBER
    hits = [_snippet(page.visible, f, page, "visible") for f in found if f.kind is NumberKind.ICP_FILING]
    if not hits:
        return _result(
            target,
            kind,
            Outcome.WARN,
            "filing_missing",
            "首页未显示ICP备案号",
            "no ICP filing number is displayed",
            ev,
            (),
            FILING_SOURCES,
        )
    linked = [s for s in hits if s.link and covers(MIIT_FILING_HOST, normalise_domain(s.link))]
    if linked:
        return _result(
            target,
            kind,
            Outcome.PASS,
            "filing_linked",
            f"备案号 {linked[0].number} 已显示并链接至工信部备案系统",
            f"filing number {linked[0].number} is shown and linked to the MIIT filing system",
            ev,
            linked,
            FILING_SOURCES,
        )
    return _result(
        target,
        kind,
        Outcome.FAIL,
        "filing_not_linked",
        f"备案号 {hits[0].number} 未链接至工信部备案系统（{MIIT_FILING_HOST}）",
        f"filing number {hits[0].number} is not linked to the MIIT filing system ({MIIT_FILING_HOST})",
        ev,
        hits,
        FILING_SOURCES,
    )


def judge_page(target: SiteTarget, fetched: Fetched) -> SiteReport:
    """`evaluate` that never raises: an unexpected exception becomes an `internal_error` report."""
    try:
        return evaluate(target, fetched)
    except Exception as exc:  # one unexpected page must not abort a crawl of thousands
        detail = f"{type(exc).__name__}: {exc}"
        return evaluate(target, replace(fetched, body=b"", error="internal_error", error_detail=detail))


LARGE_PAGE = 256 * 1024  # bytes: judging a page this big on the event loop would stall the other fetches


async def judge_inline(target: SiteTarget, fetched: Fetched) -> SiteReport:
    """Judge a page without judging processes. A large page is judged in a thread: the interpreter
    hands the event loop a turn every few milliseconds, so other sites' timeouts still fire on time
    (judged on the loop, a 5 MB page held it for a second and a slow server's reply beat its deadline).
    Small pages stay on the loop, where a thread hop would cost more than the judging."""
    if fetched.body is not None and len(fetched.body) > LARGE_PAGE:
        return await asyncio.to_thread(judge_page, target, fetched)
    return judge_page(target, fetched)


async def check_sites(
    targets: Iterable[SiteTarget],
    fetcher: Fetcher,
    *,
    on_report: Callable[[SiteReport], None] | None = None,
    workers: JudgeWorkers | None = None,
) -> list[SiteReport]:
    """Check every target with `fetcher.settings.concurrency` workers sharing one iterator.

    Judging a page (HTML parsing) costs about as much CPU as fetching it; with `workers` (judging
    processes) it runs beside the event loop instead of on it, which also keeps a large page from
    stalling other fetches. At most `concurrency` pages wait for judging at any time: each crawl
    worker awaits its own."""
    reports: list[SiteReport] = []
    pending: Iterator[SiteTarget] = iter(targets)

    async def worker() -> None:
        for target in pending:
            fetched = await fetcher.homepage(target.domain)
            report = (
                await judge_inline(target, fetched)
                if workers is None
                else await workers.judge(target, fetched)
            )
            reports.append(report)
            if on_report is not None:
                on_report(report)

    await asyncio.gather(*(worker() for _ in range(fetcher.settings.concurrency)))
    return reports


POOL_THRESHOLD = 32  # below this many sites, starting a worker process costs more than it saves


def run_checks(
    targets: Sequence[SiteTarget],
    *,
    settings: FetchSettings | None = None,
    policy: NetPolicy | None = None,
    on_report: Callable[[SiteReport], None] | None = None,
    judge_workers: int = 1,
) -> list[SiteReport]:
    """Synchronous entry point (CLI, watch loop): crawl and judge every target, in input order.

    `judge_workers` processes judge the pages of runs of at least `POOL_THRESHOLD` sites (0: inline)."""

    async def crawl() -> list[SiteReport]:
        async with Fetcher(settings, policy) as fetcher:
            if judge_workers <= 0 or len(targets) < POOL_THRESHOLD:
                return await check_sites(targets, fetcher, on_report=on_report)
            async with JudgeWorkers(judge_workers, judge_page) as workers:
                return await check_sites(targets, fetcher, on_report=on_report, workers=workers)

    done = asyncio.run(crawl())
    order = {t.domain: i for i, t in enumerate(targets)}
    return sorted(done, key=lambda r: order.get(r.target.domain, 0))
