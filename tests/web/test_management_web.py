"""The management view on a real server (SQLite and PostgreSQL): after completing one overdue duty on
time and one late and assigning an owner, every number on the page and every chart mark equals the
length of the obligations list it links to; the charts are well-formed SVG; the PDF is produced."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from vats.api.testing import Server, running_server
from vats.report.svgchart import SVG_NS

AS_OF = "2026-11-02"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NUMBER_LINK = re.compile(r'<a href="(/obligations\?[^"]+)">(\d+)</a>')
ROW = re.compile(r'<a href="/obligations/ob-[0-9a-f]{16}">')


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    with running_server(db_url, tmp_path, env={"VATS_AS_OF": AS_OF}) as srv:
        yield srv


def _prepare(server: Server, seed_path: Path) -> None:
    with server.client("officer") as c, seed_path.open("rb") as fh:
        imported = c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
        assert imported.status_code == 201, imported.text
        items = c.get("/api/v1/obligations", params={"status": "overdue", "per_page": 500}).json()["items"]
        early, late, owned = items[0], items[1], items[2]
        for item, done_on in ((early, early["due_date"]), (late, AS_OF)):
            done = c.post(
                f"/api/v1/obligations/{item['id']}/completions",
                data={"done_on": done_on},
                files={"files": ("r.pdf", PDF, "application/pdf")},
            )
            assert done.status_code == 201, done.text
        assigned = c.post(f"/api/v1/obligations/{owned['id']}/owner", json={"owner": "officer"})
        assert assigned.status_code == 200, assigned.text


def _listed(client: httpx.Client, url: str) -> int:
    """Rows of the obligations list at `url`, over every page."""
    total, page = 0, 1
    while True:
        text = client.get(f"{url}&page={page}").text
        total += len(ROW.findall(text))
        if 'rel="next"' not in text:
            return total
        page += 1


def test_numbers_equal_the_items_behind_their_links(server: Server, seed_path: Path) -> None:
    _prepare(server, seed_path)
    viewer, _csrf = server.login("viewer")
    page = viewer.get("/management")
    assert page.status_code == 200
    html = page.text
    assert "按时完成率" in html and "未来 90 天" in html and "officer" in html

    numbers = [(unescape(url), int(n)) for url, n in NUMBER_LINK.findall(html)]
    assert len(numbers) > 20
    checked: dict[str, int] = {}
    for url, n in numbers:
        checked.setdefault(url, _listed(viewer, url))
        assert checked[url] == n, url
    kinds = ("timeliness=on_time", "timeliness=late", "timeliness=missed", "overdue_on=", "owner=officer")
    for kind in kinds:
        assert any(kind in url and n for url, n in numbers), kind  # each kind of figure counts something

    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 5
    for svg in svgs:
        root = ET.fromstring(svg)
        for a in root.iter(f"{{{SVG_NS}}}a"):
            title = next(a.iter(f"{{{SVG_NS}}}title")).text or ""
            url = a.attrib["href"]
            assert checked.setdefault(url, _listed(viewer, url)) == int(title.rsplit(" ", 1)[1]), title

    pdf = viewer.get("/management.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000

    bad = viewer.get("/obligations?timeliness=sometimes", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "timeliness" in bad.text
