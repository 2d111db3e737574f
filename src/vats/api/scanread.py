"""The background job that reads an uploaded scan (`scan_read`, queued by `vats.api.scans.submit_scan`):
OCR in the bounded child process, page progress on the job, the reading staged for review.

Its own module so that the job kinds (`vats.api.jobkinds`) reach it without importing the upload
side, which submits jobs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from vats.model.errors import InputError


def review_href(token: str) -> str:
    """Where a staged scan is reviewed in the web."""
    from urllib.parse import quote

    return f"/licences/review/{quote(token)}"


def run_scan_job(engine: Engine, *, job: Any) -> list[dict[str, str]]:
    """Read a queued scan (`submit_scan`) and stage it for review; the job's link to the review.

    The reading runs outside any transaction (it takes minutes on a busy machine); each page read
    moves the job's progress; staging the reading and dropping the job's copy of the files commit
    together. Run twice (a worker lost mid-job), it finds the stage by its token and stops there."""
    from sqlalchemy import select

    from vats.ingest.scan.isolated import read_isolated, unpack_files
    from vats.model.errors import NotFoundError
    from vats.store import background
    from vats.store.db import session_scope
    from vats.store.scans import scan_inputs, stage_upload, staged_upload

    token = str(job.args["token"])
    links = [{"label": "核对识别结果并保存", "href": review_href(token)}]
    orgs = None if job.organisation_id is None else [job.organisation_id]
    with session_scope(engine, actor=job.actor, organisations=orgs) as session:
        try:
            staged_upload(session, token=token, user=job.actor)
            return links
        except NotFoundError:
            pass
        row = background.BackgroundJob
        data = session.scalar(select(row.input).where(row.id == job.id))
    if data is None:
        raise InputError("扫描件已处理或已过期，请重新上传 / the scan was read before: upload it again")
    files = unpack_files(data)

    def progress(done: int, total: int) -> None:
        with session_scope(engine, actor="system:jobs") as s:
            background.set_progress(s, job_id=job.id, done=done, total=total)

    scan = read_isolated(files, progress=progress)
    with session_scope(engine, actor=job.actor, organisations=orgs) as session:
        stage_upload(
            session,
            reading=scan.reading,
            files=scan_inputs(files, scan.previews),
            organisation_id=job.organisation_id,
            created_by=job.actor,
            token=token,
        )
        background.drop_input(session, job_id=job.id)
    return links
