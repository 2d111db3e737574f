"""`vats obligations list|show|complete|assign|waive|approve|reopen` through the real CLI, on SQLite and
PostgreSQL: the same services and checks as the API (evidence, four-eyes, scope of ids)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from store_cli import vats

from vats.api.accounts import create_user, grant
from vats.store.audit import sm3_hex
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.models import LicenceRecord

NUMBER = "渝B2-20210467"


def _setup(db_url: str, seed_path: Path) -> str:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="setup") as s:
        org = s.scalar(select(LicenceRecord.organisation_id).where(LicenceRecord.number == NUMBER))
        create_user(s, name="li", role="officer", password="correct horse battery")
        create_user(s, name="zhao", role="officer", password="correct horse battery")
        if org is not None:
            grant(s, name="li", organisation_id=org)
    engine.dispose()
    listed = vats("obligations", "list", "--db", db_url, "--licence", NUMBER, "--json", "--status", "overdue")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    return str(
        next(i["id"] for i in items if i["rule_id"] == "licence.annual_report" and i["period"] == "2025")
    )


def test_complete_assign_waive_reopen(db_url: str, seed_path: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VATS_AS_OF", "2026-11-02")
    ident = _setup(db_url, seed_path)
    receipt = tmp_path / "回执.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")

    no_evidence = vats("obligations", "complete", ident, "--done-on", "2026-03-20", "--db", db_url)
    assert no_evidence.returncode == 2 and "files" in no_evidence.stderr
    stranger = vats("obligations", "assign", ident, "--owner", "zhao", "--db", db_url)
    assert stranger.returncode == 2 and "owner" in stranger.stderr  # no grant: cannot own it
    unknown = vats("obligations", "show", "ob-0000000000000000", "--db", db_url)
    assert unknown.returncode != 0 and "id" in unknown.stderr

    assigned = vats("obligations", "assign", ident, "--owner", "li", "--db", db_url, "--json")
    assert assigned.returncode == 0, assigned.stderr
    assert json.loads(assigned.stdout)["owner"] == "li"

    done = vats(
        "obligations", "complete", ident, "--done-on", "2026-03-20", "--file", str(receipt),
        "--note", "已提交", "--db", db_url, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["status"] == "done" and shown["evidence"][0]["sm3"] == sm3_hex(receipt.read_bytes())

    reopened = vats("obligations", "reopen", ident, "--reason", "附件有误", "--db", db_url, "--json")
    assert reopened.returncode == 0 and json.loads(reopened.stdout)["status"] == "overdue"

    asked = vats(
        "obligations", "waive", ident, "--reason", "停止经营", "--expires-on", "2027-06-30",
        "--db", db_url, "--actor", "li",
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    waiver = asked.stdout.split("#")[1].split()[0]
    own = vats("obligations", "approve", ident, waiver, "--db", db_url, "--actor", "li")
    assert own.returncode == 4 and "approver" in own.stderr
    other = vats("obligations", "approve", ident, waiver, "--db", db_url, "--actor", "wang", "--json")
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout)["status"] == "waived"


def test_files_mode_still_evaluates_licence_files(seed_path: Path) -> None:
    result = vats("obligations", str(seed_path), "--format", "json", "--as-of", "2026-11-02", "--dated-only")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["obligations"]


def test_list_text_separates_controls(db_url: str, seed_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The stored list prints dated obligations, then the standing duties in a 控制项 table with their
    review dates, as the file command does; no id appears in both."""
    monkeypatch.setenv("VATS_AS_OF", "2026-11-02")
    _setup(db_url, seed_path)
    listed = vats("obligations", "list", "--db", db_url, "--licence", NUMBER, "--json")
    items = json.loads(listed.stdout)
    text = vats("obligations", "list", "--db", db_url, "--licence", NUMBER)
    assert text.returncode == 0, text.stderr
    dated_part, _, control_part = text.stdout.partition("控制项 / Controls")
    assert control_part, text.stdout
    report = next(i["id"] for i in items if i["rule_id"] == "licence.annual_report")
    assert report in dated_part and report not in control_part
    control_ids = [line.split()[0] for line in control_part.splitlines() if line.startswith("ob-")]
    assert control_ids and all(i not in dated_part for i in control_ids)
    assert all("下次复核" in line for line in control_part.splitlines() if line.startswith("ob-"))
    assert len(control_ids) + dated_part.count("\nob-") + dated_part.startswith("ob-") == len(items)
