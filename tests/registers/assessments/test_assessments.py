"""Assessments: the kind decides the events; new-business reports are due 30 days after completion."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.cli.main import cli
from vats.model.errors import InputError
from vats.registers.assessments import service
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def test_new_business_report_due_30_days_after_completion(scope: Scope, licence: str) -> None:
    from vats.registers.events import obligations_for

    with scope() as s:
        aid = service.add_assessment(s, licence=licence, kind="new_business", scope="AI 选车助手").id
    with pytest.raises(TransitionError), scope() as s:
        service.report_assessment(s, assessment_id=aid, reported_at=date(2026, 9, 1), today=TODAY)
    with scope() as s:
        service.complete_assessment(s, assessment_id=aid, completed_at=date(2026, 9, 1), today=TODAY)
    with scope() as s:
        (ob,) = obligations_for(s, subjects={f"assessment:{aid}": licence}, as_of=date(2026, 9, 2))[
            f"assessment:{aid}"
        ]
    # 30 days end on 10-01, a National Day holiday: rolled forward to 10-08 (Civil Code art. 203)
    assert ob.due_date == date(2026, 10, 8)
    with pytest.raises(InputError), scope() as s:
        service.report_assessment(s, assessment_id=aid, reported_at=date(2026, 8, 30), today=TODAY)


def test_grading_needs_unit_and_level_and_emits_order_11_events(scope: Scope, licence: str) -> None:
    from vats.store.models import EventRow

    with pytest.raises(InputError, match="unit"), scope() as s:
        service.add_assessment(s, licence=licence, kind="grading", scope="主站")
    with pytest.raises(InputError) as info, scope() as s:
        service.add_assessment(s, licence=licence, kind="grading", scope="主站", unit="web", level=6)
    assert info.value.field == "level"
    with scope() as s:
        aid = service.add_assessment(s, licence=licence, kind="grading", scope="主站", unit="web", level=3).id
        service.complete_assessment(s, assessment_id=aid, completed_at=date(2026, 9, 1), today=TODAY)
        service.report_assessment(s, assessment_id=aid, reported_at=date(2026, 9, 10), today=TODAY)
    with scope() as s:
        rows = s.execute(select(EventRow.type, EventRow.fields).order_by(EventRow.id)).all()
    assert [r[0] for r in rows] == ["network_unit_graded", "grading_filed"]
    assert rows[0][1]["level"] == 3 and rows[0][1]["unit"] == "web"


def test_cli_add_with_completed_at_and_list(db_url: str, licence: str) -> None:
    def run(*args: str) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["assessment", *args, "--db", db_url, "--json"])
        assert r.exit_code == 0, (r.output, r.exception)
        out: dict[str, object] = json.loads(r.stdout)
        return out

    a = run(
        "add",
        "--licence",
        licence,
        "--kind",
        "new_business",
        "--scope",
        "直播",
        "--completed-at",
        "2026-09-01",
    )
    assert a["status"] == "completed"
    (item,) = run("list", "--as-of", "2026-10-09")["items"]  # type: ignore[misc]
    assert item["due"]["due_date"] == "2026-10-08" and item["due"]["status"] == "overdue"
