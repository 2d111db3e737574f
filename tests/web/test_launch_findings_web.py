"""A renewal dossier's launch-proof findings (Order 42 art. 27) show where the officer looks daily: on
the licence page and in the compliance report, each linking to its dossier (real server, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import Server, running_server

NUMBER = "渝B2-20210467"
VALID = "2026-06-01"  # before the reference licence's expiry, inside its renewal lead


@pytest.fixture(scope="module")
def valid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("launch")
    with running_server(f"sqlite:///{tmp / 'vats.db'}", tmp, env={"VATS_AS_OF": VALID}) as srv:
        yield srv


def test_licence_page_and_report_link_to_the_dossier(valid_server: Server, seed_path: Path) -> None:
    with valid_server.client("officer") as c, seed_path.open("rb") as fh:
        assert c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).is_success
    client, csrf = valid_server.login("officer")
    try:
        before = client.get(f"/licences/{NUMBER}").text
        assert 'class="launch-finding"' not in before  # no renewal dossier yet: nothing claimed
        opened = client.post("/dossiers", data={"csrf_token": csrf, "licence": NUMBER}, follow_redirects=True)
        assert opened.status_code == 200 and "续期申请" in opened.text
        did = str(opened.url).rstrip("/").rsplit("/", 1)[1]

        page = client.get(f"/licences/{NUMBER}").text
        rows = [r for r in page.split("<tr") if 'class="launch-finding"' in r]
        assert len(rows) == 2  # B21 (apps only) and B25 (never reached by a check)
        assert all(f'href="/dossiers/{did}#launch-proof"' in r and "第二十七条" in r for r in rows)
        assert "dossier.service" not in page  # the finding speaks Chinese, not its code

        with valid_server.client("officer") as api:
            report = api.get(f"/api/v1/licences/{NUMBER}/report", params={"format": "html"})
        assert report.status_code == 200
        assert f'href="{valid_server.url}/dossiers/{did}">#{did}</a>' in report.text
        assert report.text.count(f"/dossiers/{did}") == 2
    finally:
        client.close()
