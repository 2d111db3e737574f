"""Every number on the dashboard (answered from the database) links to a list that shows exactly
that many rows, on SQLite and PostgreSQL, through a real server."""

from __future__ import annotations

import re
from pathlib import Path

from factories import small_portfolio

AS_OF = "2026-11-02"
CARD = re.compile(r'<a class="card[^"]*" href="([^"]+)"><span class="n">(\d+)</span>')
TOTAL = re.compile(r"共 (\d+)")


def _listed(html: str, link: str) -> int:
    """How many rows a list page says it holds (its pager's total, else the rows on its one page)."""
    found = TOTAL.search(html)
    if found:
        return int(found.group(1))
    if link.startswith("/obligations"):
        return len(set(re.findall(r'href="/obligations/(ob-[0-9a-f]+)"', html)))
    return len(set(re.findall(r'<tr><td><a href="/licences/([^"]+)"', html)))


def test_dashboard_numbers_match_their_lists(db_url: str, seed_path: Path, tmp_path: Path) -> None:
    from vats.api.testing import running_server

    with running_server(db_url, tmp_path, env={"VATS_AS_OF": AS_OF}) as server:
        small_portfolio(db_url, seed_path)
        browser, _csrf = server.login("admin")
        home = browser.get("/")
        assert home.status_code == 200
        cards = dict(CARD.findall(home.text))
        checked = {
            link: int(n) for link, n in cards.items() if not link.startswith(("/checks", "/registers"))
        }
        assert len(checked) == 5 and any(checked.values())
        for link, n in checked.items():
            page = browser.get(link.replace("&amp;", "&"))
            assert page.status_code == 200, link
            assert _listed(page.text, link) == n, link
