"""Staged scans and stored scan files on SQLite and PostgreSQL: a stage belongs to its uploader and
organisation and expires; confirming moves the files onto the revision with each field's decision;
another organisation's scan file is not found; the audit log records the rows, the bytes as digests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from vats.model.clock import now_utc
from vats.model.errors import NotFoundError
from vats.model.sm3 import sm3_hex
from vats.store import scans
from vats.store.auditlog import AuditEntry
from vats.store.db import session_scope
from vats.store.licences import import_licence, revision
from vats.store.organisations import add_organisation
from vats.store.scope import Scope, bind

PAGE = scans.FileIn(scans.PAGE, 1, "p1.png", "image/jpeg", b"\xff\xd8 page one", 100, 140)
ORIGINAL = scans.FileIn(scans.ORIGINAL, 0, "p1.png", "image/png", b"\x89PNG original bytes")


def _stage(engine: Engine, org: int, user: str = "officer") -> str:
    with session_scope(engine, actor=user) as s:
        return scans.stage_upload(
            s, reading={"fields": {}}, files=[ORIGINAL, PAGE], organisation_id=org, created_by=user
        ).token


def test_stage_is_the_uploaders_and_expires(engine: Engine) -> None:
    with session_scope(engine, actor="setup") as s:
        org_a = add_organisation(s, name="甲方").id
        org_b = add_organisation(s, name="乙方").id
    token = _stage(engine, org_a)
    with session_scope(engine, actor="officer") as s:
        upload = scans.staged_upload(s, token=token, user="officer")
        assert [f.content for f in scans.upload_files(s, upload, kind=scans.ORIGINAL)] == [ORIGINAL.content]
        assert scans.staged_page(s, upload, position=1).sm3 == sm3_hex(PAGE.content)
        with pytest.raises(NotFoundError):
            scans.staged_upload(s, token=token, user="someone else")
        bind(s, Scope.of("officer", {org_b}))
        with pytest.raises(NotFoundError):
            scans.staged_upload(s, token=token, user="officer")
    with session_scope(engine, actor="test") as s:
        s.execute(update(scans.ScanUpload).values(expires_at=now_utc() - timedelta(minutes=1)))
    with session_scope(engine, actor="officer") as s:
        with pytest.raises(NotFoundError, match="expired"):
            scans.staged_upload(s, token=token, user="officer")
        assert scans.purge_expired(s) == 1
    with session_scope(engine, actor="test") as s:
        assert s.scalar(select(func.count()).select_from(scans.ScanFile)) == 0
        assert s.scalar(select(func.count()).select_from(scans.ScanUpload)) == 0


def test_confirmation_moves_files_and_records_fields(engine: Engine, seed_path: Path) -> None:
    with session_scope(engine, actor="setup") as s:
        record = import_licence(s, path=seed_path)
        org, number = record.organisation_id, record.number
        other = add_organisation(s, name="乙方").id
    token = _stage(engine, org)
    with session_scope(engine, actor="officer") as s:
        upload = scans.staged_upload(s, token=token, user="officer")
        rev = revision(s, f"{number}@1")
        decision = scans.FieldDecision("company", "重庆万象忧车", "重庆万象优车科技有限公司", 0.71, True)
        scans.attach_to_revision(
            s,
            upload=upload,
            revision_id=rev.id,
            organisation_id=org,
            decisions=[decision],
            confirmed_by="officer",
        )
        rev_id = rev.id
    with session_scope(engine, actor="viewer") as s:
        files = scans.revision_files(s, revision_id=rev_id)
        assert [(f.kind, f.name) for f in files] == [("page", "p1.png"), ("original", "p1.png")]
        original = next(f for f in files if f.kind == scans.ORIGINAL)
        assert scans.scan_file(s, file_id=original.id).content == ORIGINAL.content
        [field] = scans.revision_fields(s, revision_id=rev_id)
        assert (field.original, field.edited, field.flagged, field.confirmed_by) == (
            "重庆万象忧车",
            True,
            True,
            "officer",
        )
        bind(s, Scope.of("officer", {other}))
        with pytest.raises(NotFoundError):
            scans.scan_file(s, file_id=original.id)
        tables = set(s.scalars(select(AuditEntry.entity)))
        logged = [e.after for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "scan_files"))]
    assert {"scan_uploads", "scan_files", "scan_fields"} <= tables
    digest = {"sm3": sm3_hex(ORIGINAL.content), "size": len(ORIGINAL.content)}
    assert digest in [after.get("content") for after in logged if after]  # bytes enter as digests only
    with session_scope(engine, actor="test") as s:
        assert s.scalar(select(func.count()).select_from(scans.ScanUpload)) == 0


def test_a_manifest_names_every_file_of_a_multi_file_scan() -> None:
    one, name = scans.revision_document([("a.png", b"A")])
    assert (one, name) == (b"A", "a.png")
    many, names = scans.revision_document([("a.png", b"A"), ("b.png", b"B")])
    assert names == "a.png, b.png" and sm3_hex(b"B").encode() in many
