"""POST /api/v1/scans over real HTTP (SQLite: the server runs the job itself; the queue path runs in
the web scan test with a worker): the upload answers 202 at once with the job, the job counts the
pages read, and once done the uploader sees the licence as read and the review page; nothing is a
licence before a person confirms it; bad uploads are refused naming the field; another user does not
see the job's reading."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vats.api.testing import Server, running_server

NUMBER = "渝B2-20210467"


@pytest.fixture(scope="module")
def main_page(seed_path: Path) -> bytes:
    """The reference licence's main page printed at 150 dpi, as PNG."""
    from vats.ingest.document import read_licence
    from vats.ingest.render import render_licence
    from vats.ingest.scan.paper import Condition, licence_lines, render_pages, to_bytes

    text = render_licence(read_licence(seed_path))
    return to_bytes(render_pages(licence_lines(text), Condition(dpi=150))[0])


@pytest.fixture
def server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    with running_server(sqlite_url, tmp_path, env={"VATS_AS_OF": "2026-03-01"}) as srv:
        yield srv


def test_a_scan_is_read_in_the_background_and_staged(server: Server, main_page: bytes) -> None:
    with server.client("officer") as api:
        started = api.post("/api/v1/scans", files=[("document", ("正本.png", main_page, "image/png"))])
        assert started.status_code == 202, started.text
        assert started.json()["state"] == "queued" and started.json()["licence"] is None
        location = started.headers["location"]
        for _ in range(1200):
            seen = api.get(location)
            assert seen.status_code == 200, seen.text
            if seen.json()["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        body = seen.json()
        assert body["state"] == "done", body
        assert (body["pages_read"], body["pages"]) == (1, 1)
        assert body["licence"]["number"] == NUMBER
        assert body["fields"]["number"]["page"] == 1
        assert body["review_url"].startswith("/licences/review/")
        assert api.get(f"/api/v1/licences/{NUMBER}").status_code == 404  # not a licence yet
    with server.client("admin") as other:  # sees the job, but the reading is the uploader's to check
        theirs = other.get(location).json()
        assert theirs["state"] == "done" and theirs["licence"] is None and theirs["review_url"] is None
    officer, _ = server.login("officer")
    assert officer.get(body["review_url"]).status_code == 200


def test_bad_scan_uploads_are_refused_naming_the_field(server: Server) -> None:
    with server.client("officer") as api:
        text = api.post("/api/v1/scans", files=[("document", ("a.txt", "经营许可证".encode(), "text/plain"))])
        assert text.status_code == 400 and "document" in text.text and "a.txt" in text.text
        empty = api.post("/api/v1/scans", files=[("document", ("a.png", b"", "image/png"))])
        assert empty.status_code == 400 and "document" in empty.text
        assert api.get("/api/v1/scans/999999").status_code == 404
    with server.client("viewer") as viewer:
        assert (
            viewer.post("/api/v1/scans", files=[("document", ("a.png", b"x", "image/png"))]).status_code
            == 403
        )
