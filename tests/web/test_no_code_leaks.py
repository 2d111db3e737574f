"""No internal code on any main page: a demo database served for real, every page reached from the
navigation (two clicks deep) read as a visitor sees it, and any snake_case token or known code in the
visible text fails the test, naming the page."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from vats.api.testing import Server, start_server, stop_server

DEMO_PASSWORD = "demo-password-leaks"
MAX_PAGES = 70
SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
# codes of the engine, the checks and the audit log that are not snake_case but must not show either
CODES = frozenset(
    {"overdue", "upcoming", "satisfied", "waived", "insert", "update", "delete", "pass", "fail", "warn"}
)
SKIP = ("/logout", "/api/", "/calendar.ics", "/static/", "/lang")
SKIP_SUFFIX = (".ics", ".pdf", ".xlsx", ".csv", ".json", ".txt", ".zip")


class _Visible(HTMLParser):
    """The text a visitor reads (no scripts, styles or attribute values) and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href and "download" not in dict(attrs):
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def leaks(html: str) -> tuple[list[str], list[str]]:
    """Codes shown as text, and the links of the page."""
    parser = _Visible()
    parser.feed(html)
    found: list[str] = []
    for chunk in parser.text:
        found += SNAKE.findall(chunk)
        found += [w for w in re.findall(r"(?<![\w.-])[a-z]+(?![\w.-])", chunk) if w in CODES]
    return found, parser.links


def test_the_detector_can_fail() -> None:
    found, links = leaks(
        "<p>状态 overdue，需提供证据：annual_report_filed</p><a href='/x'>x</a>"
        "<script>var due_soon = 1</script><p>www.ex_ample.com 渝B2-20210467 a@b_c.cn</p>"
    )
    assert found == ["annual_report_filed", "overdue"] and links == ["/x"]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from rich.console import Console

    from vats.cli.demo import _load_portfolio
    from vats.reference.examples import example_paths

    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.db'}"
    saved = os.environ.get("VATS_DEMO_PASSWORD")
    os.environ["VATS_DEMO_PASSWORD"] = DEMO_PASSWORD
    try:
        _load_portfolio(url, list(example_paths()), Console(file=io.StringIO()))
    finally:
        if saved is None:
            os.environ.pop("VATS_DEMO_PASSWORD", None)
        else:
            os.environ["VATS_DEMO_PASSWORD"] = saved
    server = start_server(url, Path(tmp), env={"VATS_AS_OF": "2026-11-28"})
    try:
        yield server
    finally:
        stop_server(server)


def _local(base: str, href: str) -> str | None:
    full = urljoin(base + "/", href)
    parts = urlsplit(full)
    if parts.netloc != urlsplit(base).netloc:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(path.startswith(p) for p in SKIP) or parts.path.endswith(SKIP_SUFFIX):
        return None
    return path


def test_main_pages_of_the_demo_show_no_internal_codes(demo_server: Server) -> None:
    client, _csrf = demo_server.login("demo", DEMO_PASSWORD)
    start = ["/", "/licences", "/obligations", "/obligations?view=controls", "/my", "/calendar", "/checks",
             "/auditlog", "/registers", "/events/new", "/reminders", "/copies", "/account"]  # fmt: skip
    queue: list[tuple[str, int]] = [(p, 0) for p in start]
    seen: set[str] = set()
    shown: dict[str, list[str]] = {}
    families: set[str] = set()
    failed: dict[str, int] = {}
    try:
        while queue and len(seen) < MAX_PAGES:
            path, depth = queue.pop(0)
            # one page per family of pages (/licences/X, /obligations/ob-…): the same template
            family = re.sub(r"/[^/?]*\d[^/?]*", "/N", path.split("?")[0]) + ("?" in path) * "?"
            if path in seen or (depth and family in families):
                continue
            seen.add(path)
            families.add(family)
            page = client.get(path, follow_redirects=True)
            if page.status_code != 200:
                failed[path] = page.status_code
                continue
            if "text/html" not in page.headers.get("content-type", ""):
                continue
            found, links = leaks(page.text)
            if found:
                shown[path] = sorted(set(found))
            if depth < 2:
                for href in links:
                    target = _local(demo_server.url, href)
                    if target is not None and target not in seen:
                        queue.append((target, depth + 1))
    finally:
        client.close()
    assert len(seen) > 20 and failed == {}
    assert shown == {}
