"""The scan-reading job run again (a worker lost after staging, a retry): it finds its stage by the
token the upload chose and reads nothing twice; with neither a stage nor its files left, it fails
saying so rather than reading garbage. No OCR runs here: the stored input is not an image at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from vats.api import jobkinds
from vats.store import background
from vats.store.db import make_engine, session_scope
from vats.store.scans import ScanUpload, new_token, stage_upload

OWNER = "officer"


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def _job(engine: Engine, token: str, *, files: bytes | None) -> int:
    request = background.JobRequest(
        "scan_read", f"scan:{token}", OWNER, "p1.png", None, {"token": token}, ("p1.png", files or b"")
    )
    with session_scope(engine, actor=OWNER) as session:
        job = background.submit(session, request).job
        if files is None:
            background.drop_input(session, job_id=job.id)
        return job.id


def test_a_job_whose_reading_is_staged_already_reads_nothing(engine: Engine) -> None:
    token = new_token()
    with session_scope(engine, actor=OWNER) as session:
        stage_upload(
            session, reading={"fields": {}}, files=[], organisation_id=None, created_by=OWNER, token=token
        )
    job_id = _job(engine, token, files=b"not an image: reading it would fail")
    assert jobkinds.run(engine, job_id=job_id) == background.DONE
    with session_scope(engine, actor="test") as session:
        job = session.get(background.BackgroundJob, job_id)
        assert job is not None and job.links == [
            {"label": "核对识别结果并保存", "href": f"/licences/review/{token}"}
        ]
        assert session.scalar(select(func.count()).select_from(ScanUpload)) == 1


def test_a_job_without_its_files_fails_saying_so(engine: Engine) -> None:
    job_id = _job(engine, new_token(), files=None)
    assert jobkinds.run(engine, job_id=job_id) == background.FAILED
    with session_scope(engine, actor="test") as session:
        job = session.get(background.BackgroundJob, job_id)
        assert job is not None and job.error is not None and "重新上传" in job.error
        assert session.scalar(select(func.count()).select_from(ScanUpload)) == 0
