"""Scanned licences in the web, on SQLite and PostgreSQL: two page images uploaded together are read
as one licence by a background job (the upload answers at once with the job's page, which counts the
pages read and opens the review when done) and staged; the review shows each page with a box per
field; an edit that fails validation re-shows the form with what was typed; confirming stores the
licence with its original files and who confirmed which field; another organisation sees neither
the staged scan nor the stored one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from vats.api.testing import Server, running_server
from vats.model.sm3 import sm3_hex

NUMBER = "渝B2-20210467"
OTHER_ORG = "乙方科技有限公司"


@pytest.fixture(scope="module")
def pages(seed_path: Path) -> list[bytes]:
    """The reference licence's first two pages printed at 150 dpi, as PNG files."""
    from vats.ingest.document import read_licence
    from vats.ingest.render import render_licence
    from vats.ingest.scan.paper import Condition, licence_lines, render_pages, to_bytes

    text = render_licence(read_licence(seed_path))
    return [to_bytes(p) for p in render_pages(licence_lines(text), Condition(dpi=150))[:2]]


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    """The web server; on PostgreSQL with a `vats worker` beside it, which takes the scan jobs from
    the queue (on SQLite the server runs them itself)."""
    env = {"VATS_AS_OF": "2026-03-01"}
    with running_server(db_url, tmp_path, env=env) as srv:
        _other_organisation(srv)
        worker = _worker(db_url, env, tmp_path) if db_url.startswith("postgresql") else None
        try:
            yield srv
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=60)


def _worker(url: str, env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "vats.cli.main", "worker", "--db", url, "--concurrency", "1"]
    with (tmp_path / "worker.log").open("wb") as out:
        return subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)


def _other_organisation(server: Server) -> None:
    from vats.store import accounts
    from vats.store.db import make_engine, session_scope
    from vats.store.organisations import add_organisation

    engine = make_engine(server.db_url)
    with session_scope(engine, actor="setup") as s:
        org = add_organisation(s, name=OTHER_ORG)
        accounts.create_user(s, name="other", role="officer", password="correct horse battery")
        accounts.grant(s, name="other", organisation_id=org.id)
    engine.dispose()


def _count(server: Server, table: str) -> int:
    from vats.store.all_models import load_all
    from vats.store.db import make_engine

    t = load_all().tables[table]
    engine = make_engine(server.db_url)
    with engine.connect() as conn:
        n = int(conn.scalar(select(func.count()).select_from(t)) or 0)
    engine.dispose()
    return n


def _upload(client: httpx.Client, csrf: str, files: list[tuple[str, bytes]]) -> httpx.Response:
    return client.post(
        "/licences/upload",
        data={"csrf_token": csrf},
        files=[("document", (name, data, "image/png")) for name, data in files],
        timeout=600,
    )


def _followed(client: httpx.Client, job_url: str) -> httpx.Response:
    """The scan job's page as a browser sees it (it reloads itself) until the job ends: the
    redirect to the review, or the page of a failed job."""
    for _ in range(1200):
        seen = client.get(job_url)
        if seen.status_code != 200 or 'data-job="failed"' in seen.text:
            return seen
        assert 'data-job="queued"' in seen.text or 'data-job="running"' in seen.text, seen.text
        time.sleep(0.5)
    raise AssertionError(f"the scan job at {job_url} never ended")


def _job(server: Server, job_url: str) -> tuple[int, int, bytes | None]:
    from vats.store.background import BackgroundJob
    from vats.store.db import make_engine

    job_id = int(job_url.split("?")[0].rsplit("/", 1)[1])
    engine = make_engine(server.db_url)
    with engine.connect() as conn:
        row = conn.execute(
            select(BackgroundJob.done, BackgroundJob.total, BackgroundJob.input).where(
                BackgroundJob.id == job_id
            )
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1]), row[2]


def test_review_confirm_and_scope(server: Server, pages: list[bytes]) -> None:
    officer, csrf = server.login("officer")
    queued = _upload(officer, csrf, [("第1页.png", pages[0]), ("第2页.png", pages[1])])
    assert queued.status_code == 303, queued.text
    job_url = queued.headers["location"]
    assert job_url.startswith("/jobs/") and job_url.endswith("?review=1")
    first = officer.get(job_url)
    assert first.status_code == 200 and "扫描件识别" in first.text and "第1页.png" in first.text
    staged = _followed(officer, job_url)
    assert staged.status_code == 303, staged.text
    review_url = staged.headers["location"]
    assert review_url.startswith("/licences/review/")
    assert _job(server, job_url) == (2, 2, None)  # both pages counted; the job's copy is dropped
    assert _count(server, "licences") == 0  # nothing is a licence before the confirmation

    review = officer.get(review_url)
    assert review.status_code == 200
    assert 'name="field_number"' in review.text and NUMBER in review.text
    assert review.text.count("<svg") == 2 and 'class="field-box' in review.text
    assert "PNG 图片" in review.text and "image/png" not in review.text  # media types in Chinese
    image = officer.get(f"{review_url}/pages/1")
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8")

    other, other_csrf = server.login("other")  # another organisation's officer
    assert other.get(review_url).status_code == 404
    assert other.get(f"{review_url}/pages/1").status_code == 404
    assert other.post(review_url, data={"csrf_token": other_csrf}).status_code == 404
    assert other.post(f"{review_url}/discard", data={"csrf_token": other_csrf}).status_code == 404
    viewer, _ = server.login("viewer")
    assert viewer.get(review_url).status_code == 403

    bad = officer.post(
        review_url,
        data={"csrf_token": csrf, "field_issue_date": "二〇二一年十三月", "field_company": "改过的公司"},
    )
    assert bad.status_code == 400 and "发证日期" in bad.text
    assert 'value="二〇二一年十三月"' in bad.text and 'value="改过的公司"' in bad.text
    assert _count(server, "licences") == 0

    done = officer.post(
        review_url, data={"csrf_token": csrf, "field_legal_representative": "张三"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/licences/%E6%B8%9DB2-20210467")
    assert officer.get(review_url).status_code == 404  # the stage is gone
    after = officer.get(job_url)  # the job page no longer leads to a review that is gone
    assert after.status_code == 200 and 'data-job="done"' in after.text and review_url in after.text

    page = officer.get(done.headers["location"])
    assert page.status_code == 200
    assert "扫描原件" in page.text and "第1页.png" in page.text and "第2页.png" in page.text
    assert "张三" in page.text and "已修改" in page.text and "officer" in page.text
    assert "法定代表人：经人工更正" in page.text and "legal_representative" not in page.text
    assert "PNG 图片" in page.text and "image/png" not in page.text
    assert sm3_hex(pages[0]) in page.text

    from vats.store.db import make_engine, session_scope
    from vats.store.scans import ORIGINAL, ScanField, ScanFile

    engine = make_engine(server.db_url)
    with session_scope(engine, actor="test") as s:
        originals = s.scalars(
            select(ScanFile).where(ScanFile.kind == ORIGINAL).order_by(ScanFile.position)
        ).all()
        fields = {f.field: f for f in s.scalars(select(ScanField))}
        ids = [f.id for f in originals]
    engine.dispose()
    assert [f.sm3 for f in originals] == [sm3_hex(p) for p in pages]
    assert fields["legal_representative"].final == "张三" and fields["legal_representative"].edited
    assert fields["number"].original == NUMBER and not fields["number"].edited
    assert all(f.confirmed_by == "officer" for f in fields.values())

    download = officer.get(f"/licences/{NUMBER}/scan/{ids[0]}")
    assert download.status_code == 200 and download.content == pages[0]
    assert download.headers["content-disposition"].startswith("attachment")
    assert other.get(f"/licences/{NUMBER}/scan/{ids[0]}").status_code == 404
    assert other.get(f"/licences/{NUMBER}").status_code == 404
    assert _count(server, "scan_uploads") == 0

    audit = server.client("admin").get("/api/v1/auditlog", params={"per_page": 200})
    assert audit.status_code == 200
    assert "scan_fields" in audit.text and "scan_files" in audit.text


def test_bad_uploads_keep_the_form_and_stage_nothing(server: Server, pages: list[bytes]) -> None:
    officer, csrf = server.login("officer")
    mixed = _upload(officer, csrf, [("a.png", pages[0]), ("c.txt", "经营许可证".encode())])
    assert mixed.status_code == 400 and "c.txt" in mixed.text and 'role="alert"' in mixed.text
    assert _count(server, "background_jobs") == 0  # refused before any job
    broken = _upload(officer, csrf, [("a.png", pages[0]), ("b.png", b"\x89PNG\r\n\x1a\n broken")])
    assert broken.status_code == 303  # only the reader can tell: the job fails naming the file
    failed = _followed(officer, broken.headers["location"])
    assert failed.status_code == 200 and "b.png" in failed.text and "data-job-error" in failed.text
    assert _count(server, "scan_uploads") == 0 and _count(server, "scan_files") == 0


def test_an_api_import_of_a_scan_keeps_the_original(server: Server, pages: list[bytes]) -> None:
    with server.client("officer") as api:
        done = api.post(
            "/api/v1/licences", files={"document": ("正本.png", pages[0], "image/png")}, timeout=600
        )
    assert done.status_code == 201, done.text
    officer, _ = server.login("officer")
    page = officer.get(f"/licences/{NUMBER}")
    assert "扫描原件" in page.text and "正本.png" in page.text and sm3_hex(pages[0]) in page.text
    assert "人工核对记录" not in page.text  # imported without a review: no one confirmed fields
