"""`vats status` through the real CLI on SQLite and PostgreSQL, including the done-when scenario:
the reference licence, a disposal case disposed 2026-09-28 and reported 2026-10-20 shows as
reported late (due 2026-10-16) on 2026-11-28."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from store_cli import vats

from vats.store.db import make_engine, session_scope, upgrade


def test_late_disposal_report_shows_in_status(db_url: str, seed_path: Path) -> None:
    imported = vats("licence", "import", str(seed_path), "--db", db_url)
    assert imported.returncode == 0, imported.stderr
    from vats.registers.cases.service import add_case, dispose_case, report_case

    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="officer") as s:
        case = add_case(
            s,
            licence="渝B2-20210467",
            site="www.example.cn",
            content_ref="帖子 9",
            category="rumours",
            discovered_at=date(2026, 9, 27),
            today=date(2026, 11, 28),
        )
        dispose_case(
            s,
            case_id=case.id,
            disposed_at=date(2026, 9, 28),
            action="delete",
            records_ref="备份",
            today=date(2026, 11, 28),
        )
        report_case(
            s, case_id=case.id, reported_at=date(2026, 10, 20), receipt_no="R-1", today=date(2026, 11, 28)
        )
        subject = case.subject
    engine.dispose()

    result = vats("status", "--as-of", "2026-11-28", "--format", "json", "--db", db_url)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    late = [o for o in data["late"] if o["subject"] == subject]
    assert len(late) == 1, data["late"]
    assert (late[0]["due_date"], late[0]["completed_on"], late[0]["late"]) == (
        "2026-10-16",
        "2026-10-20",
        True,
    )
    assert data["licences_total"] == 1 and data["licences"][0]["number"] == "渝B2-20210467"
    assert data["open_register_items"]["case"] == 0  # reported: no longer open

    text = vats("status", "--as-of", "2026-11-28", "--db", db_url)
    assert (
        "逾期完成 / completed late" in text.stdout and "2026-10-16" in text.stdout and subject in text.stdout
    )


def test_status_exit_code_tracks_attention(db_url: str, seed_path: Path) -> None:
    assert vats("licence", "import", str(seed_path), "--db", db_url).returncode == 0
    expiry = json.loads(vats("licence", "list", "--format", "json", "--db", db_url).stdout)[0]["expiry_date"]
    after = date.fromisoformat(expiry).replace(year=date.fromisoformat(expiry).year + 1).isoformat()
    expired = vats("status", "--as-of", after, "--format", "json", "--db", db_url)
    assert expired.returncode == 1
    data = json.loads(expired.stdout)
    assert data["licences_expired"] == 1 and data["attention"] is True
