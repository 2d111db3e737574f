"""Filings: submission events per kind, one live annual report per year, attachments with SM3 and a cap."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.cli.main import cli
from vats.model.errors import ConflictError, InputError, RefusedError
from vats.registers.filings import service
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def test_annual_report_submission_emits_year(scope: Scope, licence: str) -> None:
    from vats.store.models import EventRow

    with pytest.raises(InputError, match="year"), scope() as s:
        service.add_filing(s, licence=licence, kind="annual_report")
    with scope() as s:
        fid = service.add_filing(s, licence=licence, kind="annual_report", year=2025).id
    with pytest.raises(ConflictError), scope() as s:
        service.add_filing(s, licence=licence, kind="annual_report", year=2025)
    with pytest.raises(InputError) as info, scope() as s:
        service.submit_filing(s, filing_id=fid, submitted_at=date(2025, 12, 1), today=TODAY)
    assert info.value.field == "submitted_at"
    with scope() as s:
        filing = service.submit_filing(
            s, filing_id=fid, submitted_at=date(2026, 3, 2), receipt_no="NB-1", today=TODAY
        )
        assert filing.title == "经营许可证年报 2025"
        row = s.scalars(select(EventRow)).one()
    assert (row.type, row.fields["year"], row.subject) == ("annual_report_filed", 2025, f"filing:{fid}")


def test_attachments_digest_cap_and_closed_filings(
    scope: Scope, licence: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = "续办申请表".encode() * 10
    with scope() as s:
        fid = service.add_filing(s, licence=licence, kind="renewal").id
        att = service.attach_file(s, filing_id=fid, filename="C:\\scans\\申请表.pdf", content=content)
        assert (att.filename, att.media_type, att.size) == ("申请表.pdf", "application/pdf", len(content))
        assert att.sm3 == hashlib.new("sm3", content).hexdigest()
    with scope() as s:
        assert service.get_attachment(s, attachment_id=att.id).content == content
    monkeypatch.setenv("VATS_ATTACHMENT_MAX_BYTES", "10")
    with pytest.raises(RefusedError, match="cap"), scope() as s:
        service.attach_file(s, filing_id=fid, filename="big.bin", content=b"x" * 11)
    with pytest.raises(InputError, match="empty"), scope() as s:
        service.attach_file(s, filing_id=fid, filename="e.txt", content=b"")
    with scope() as s:
        service.submit_filing(s, filing_id=fid, submitted_at=date(2026, 7, 1), today=TODAY)
        service.close_filing(s, filing_id=fid)
    with pytest.raises(TransitionError), scope() as s:
        service.attach_file(s, filing_id=fid, filename="late.txt", content=b"x")
    with scope() as s:
        assert len(service.get_filing(s, filing_id=fid).attachments) == 1


def test_cli_attach_and_show(db_url: str, licence: str, tmp_path: Path) -> None:
    doc = tmp_path / "年报.pdf"
    doc.write_bytes(b"%PDF-1.4 annual report")
    r = CliRunner().invoke(
        cli,
        [
            "filing",
            "add",
            "--licence",
            licence,
            "--kind",
            "annual_report",
            "--year",
            "2025",
            "--submitted-at",
            "2026-03-01",
            "--receipt",
            "NB-9",
            "--db",
            db_url,
            "--json",
        ],
    )
    assert r.exit_code == 0, (r.output, r.exception)
    fid = json.loads(r.stdout)["id"]
    r = CliRunner().invoke(cli, ["filing", "attach", str(fid), str(doc), "--db", db_url, "--json"])
    assert r.exit_code == 0, (r.output, r.exception)
    assert json.loads(r.stdout)["sm3"] == hashlib.new("sm3", doc.read_bytes()).hexdigest()
    r = CliRunner().invoke(cli, ["filing", "show", str(fid), "--db", db_url, "--json"])
    shown = json.loads(r.stdout)
    assert shown["status"] == "submitted" and shown["attachments"][0]["filename"] == "年报.pdf"
    r = CliRunner().invoke(cli, ["filing", "attach", str(fid), str(tmp_path / "missing.pdf"), "--db", db_url])
    assert isinstance(r.exception, InputError)


@pytest.mark.parametrize(
    "name",
    ["invoice\u202efdp.exe", "a\u2066b.pdf", "a\u202ab.pdf", "a\u2069.pdf", "nul\x00.pdf", "line\n.pdf"],
)
def test_attachment_names_with_bidi_or_control_characters_are_refused(
    scope: Scope, licence: str, name: str
) -> None:
    with scope() as s:
        fid = service.add_filing(s, licence=licence, kind="renewal").id
    with pytest.raises(InputError) as info, scope() as s:
        service.attach_file(s, filing_id=fid, filename=name, content=b"x")
    assert info.value.field == "filename"
    with scope() as s:
        assert service.get_filing(s, filing_id=fid).attachments == []
