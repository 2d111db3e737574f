"""Web pages given bad query strings answer a Chinese 400 page naming the parameter, never a 500.

Run on SQLite and PostgreSQL: PostgreSQL is where a raw string compared with an integer column, or
a NUL character, used to become a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import Server, running_server

AS_OF = "2026-11-02"
BAD = [
    ("/calendar?month=2026-13", "month"),
    ("/calendar?month=9999-12", "month"),
    ("/calendar?month=abc", "month"),
    ("/registers/cases?page=abc", "page"),
    ("/registers/cases?as_of=9999-99-99", "as_of"),
    ("/registers/filings?year=abc", "year"),
    ("/licences?page=abc", "page"),
    ("/obligations?due_within=abc", "due_within"),
]


@pytest.fixture
def web(db_url: str, tmp_path: Path) -> Iterator[Server]:
    with running_server(db_url, tmp_path, env={"VATS_AS_OF": AS_OF}) as srv:
        yield srv


def test_bad_query_strings_are_a_400_page_naming_the_field(web: Server) -> None:
    client, _ = web.login("officer")
    try:
        for url, field in BAD:
            page = client.get(url, headers={"Accept": "text/html"})
            assert page.status_code == 400, (url, page.status_code, page.text[:300])
            assert "text/html" in page.headers["content-type"]
            assert field in page.text and ("参数" in page.text), (url, page.text[:500])
        for url in ("/calendar?month=2026-02", "/registers/filings?year=2026", "/registers/cases?page=2"):
            assert client.get(url, headers={"Accept": "text/html"}).status_code == 200, url
        nul = client.get("/registers/cases", params={"licence": "渝\x00"})
        assert nul.status_code == 422 and nul.json()["field"] == "licence"
    finally:
        client.close()
