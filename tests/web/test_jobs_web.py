"""后台任务 over real HTTP (SQLite: jobs run inside the server): starting a report job, its progress
and file, 立即检查 as a recorded job, retrying a failed job, and the refusals (bad input named in
Chinese with the form kept, readers refused, no CSRF token refused)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


def _wait(client: httpx.Client, job_url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        page = client.get(job_url)
        assert page.status_code == 200, page.text
        state = re.search(r'data-job="(\w+)"', page.text)
        assert state is not None, page.text
        if state.group(1) in ("done", "failed"):
            return page.text
        assert time.monotonic() < deadline, page.text
        time.sleep(0.2)


@pytest.fixture(scope="module")
def org(web_server: Server, seed_path: Path) -> int:
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        assert c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")}).is_success
        return int(c.get("/api/v1/organisations").json()["items"][0]["id"])


def test_report_job_runs_and_serves_its_file(web_server: Server, org: int) -> None:
    officer, csrf = web_server.login("officer")
    try:
        started = officer.post(
            "/jobs",
            data={"csrf_token": csrf, "kind": "report", "organisation_id": str(org), "format": "html"},
            follow_redirects=False,
        )
        assert started.status_code == 303
        job_url = started.headers["location"]
        page = _wait(officer, job_url)
        assert 'data-job="done"' in page and "已完成" in page
        assert f'href="{job_url}/file"' in page
        download = officer.get(f"{job_url}/file")
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/html")
        assert NUMBER in download.text
        again = officer.post(  # the same report the same day is the same job
            "/jobs",
            data={"csrf_token": csrf, "kind": "report", "organisation_id": str(org), "format": "html"},
            follow_redirects=False,
        )
        assert again.headers["location"] == job_url
        listing = officer.get("/jobs?state=done").text
        assert f'href="{job_url}"' in listing and 'href="/jobs?state=done"' in listing
    finally:
        officer.close()


def test_site_check_now_is_a_recorded_job(web_server: Server, org: int) -> None:
    officer, csrf = web_server.login("officer")
    try:
        started = officer.post(
            "/checks/run", data={"csrf_token": csrf, "licence": NUMBER}, follow_redirects=False
        )
        assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
        page = _wait(officer, started.headers["location"])
        assert 'data-job="done"' in page
        done, total = map(int, re.search(r"data-progress>(\d+) / (\d+)<", page).groups())  # type: ignore[union-attr]
        assert done == total > 0
        assert f'href="/licences/{NUMBER}"' in page  # what it produced: the licence's site states
    finally:
        officer.close()


def test_failed_job_is_retried(web_server: Server, org: int) -> None:
    from vats.store import background
    from vats.store.db import make_engine, session_scope

    engine = make_engine(web_server.db_url)
    request = background.JobRequest("workpacks", "retry-me", "officer", "年报", org, {"year": 2025})
    with session_scope(engine, actor="t") as session:
        job = background.submit(session, request).job
        background.fail(session, job_id=job.id, error="网络中断")
        job_id = job.id
    engine.dispose()
    officer, csrf = web_server.login("officer")
    try:
        page = officer.get(f"/jobs/{job_id}").text
        assert "网络中断" in page and "重试" in page
        assert officer.post(f"/jobs/{job_id}/retry", data={}).status_code == 403  # no CSRF token
        retried = officer.post(f"/jobs/{job_id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
        assert retried.status_code == 303
        page = _wait(officer, f"/jobs/{job_id}")
        assert 'data-job="done"' in page and f'href="/licences/{NUMBER}/workpacks/2025"' in page
        twice = officer.post(f"/jobs/{job_id}/retry", data={"csrf_token": csrf})
        assert twice.status_code == 400 and "只有失败的任务可以重试" in twice.text
    finally:
        officer.close()


def test_bad_input_is_named_and_kept(web_server: Server, org: int) -> None:
    officer, csrf = web_server.login("officer")
    try:
        bad = officer.post(
            "/jobs",
            data={"csrf_token": csrf, "kind": "workpacks", "organisation_id": str(org), "year": "19x"},
        )
        assert bad.status_code == 400 and "年度：" in bad.text
        assert 'value="19x"' in bad.text and f'<option value="{org}" selected>' in bad.text
        everyone = officer.post("/jobs", data={"csrf_token": csrf, "kind": "report", "organisation_id": ""})
        assert everyone.status_code == 400 and "组织：请选择组织" in everyone.text
        assert officer.get("/jobs?state=bogus").status_code == 400
    finally:
        officer.close()
    viewer, viewer_csrf = web_server.login("viewer")
    try:
        refused = viewer.post(
            "/jobs", data={"csrf_token": viewer_csrf, "kind": "report", "organisation_id": str(org)}
        )
        assert refused.status_code == 403
        assert viewer.get("/jobs").status_code == 200
    finally:
        viewer.close()


def test_cold_evaluation_job_for_administrators(web_server: Server, org: int) -> None:
    admin, csrf = web_server.login("admin")
    try:
        assert 'value="cold_evaluate"' in admin.get("/jobs").text
        started = admin.post(
            "/jobs", data={"csrf_token": csrf, "kind": "cold_evaluate"}, follow_redirects=False
        )
        assert started.status_code == 303
        page = _wait(admin, started.headers["location"])
        assert 'data-job="done"' in page and 'href="/obligations"' in page
    finally:
        admin.close()
    officer, officer_csrf = web_server.login("officer")
    try:
        assert 'value="cold_evaluate"' not in officer.get("/jobs").text
        refused = officer.post("/jobs", data={"csrf_token": officer_csrf, "kind": "cold_evaluate"})
        assert refused.status_code == 400 and "任务：只有管理员可以重算义务缓存" in refused.text
    finally:
        officer.close()


def test_regulator_list_match_job(web_server: Server, org: int) -> None:
    listed = f"经营者名称,许可证编号,处理日期\n某公司,{NUMBER},2026-10-01\n".encode()
    officer, csrf = web_server.login("officer")
    try:
        empty = officer.post(
            "/jobs/lists",
            data={"csrf_token": csrf, "list_kind": "bad", "organisation_id": str(org)},
            files={"file": ("empty.csv", b"", "text/csv")},
        )
        assert empty.status_code == 400 and "名单文件：文件为空" in empty.text
        assert '<option value="bad" selected>' in empty.text
        started = officer.post(
            "/jobs/lists",
            data={"csrf_token": csrf, "list_kind": "bad", "organisation_id": str(org)},
            files={"file": ("bad.csv", listed, "text/csv")},
            follow_redirects=False,
        )
        assert started.status_code == 303
        job_url = started.headers["location"]
        page = _wait(officer, job_url)
        assert 'data-job="done"' in page and "1 个命中" in page
        result = officer.get(f"{job_url}/file")
        assert result.status_code == 200 and result.headers["content-type"].startswith("text/csv")
        assert NUMBER in result.content.decode("utf-8-sig")
    finally:
        officer.close()
