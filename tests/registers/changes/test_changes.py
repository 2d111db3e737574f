"""Corporate changes: the kind picks the trigger event and the date the clock starts on."""

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
from vats.registers.changes import service

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def test_shareholder_change_emits_decision_with_effective_date(scope: Scope, licence: str) -> None:
    from vats.registers.events import obligations_for
    from vats.store.models import EventRow

    with scope() as s:
        cid = service.add_change(
            s,
            licence=licence,
            kind="shareholder",
            decided_at=date(2026, 9, 1),
            effective_at=date(2026, 12, 31),
            today=TODAY,
        ).id
    with scope() as s:
        row = s.scalars(select(EventRow)).one()
        obligations = obligations_for(s, subjects={f"change:{cid}": licence}, as_of=date(2026, 9, 2))
    assert (row.type, row.date, row.fields["change_kind"]) == (
        "entity_change_decided",
        date(2026, 9, 1),
        "shareholder",
    )
    dues = sorted(o.due_date for o in obligations[f"change:{cid}"] if o.due_date)
    assert date(2026, 10, 8) in dues  # 30 days after the decision (art. 28), rolled past National Day
    with scope() as s:
        service.file_change(s, change_id=cid, filed_at=date(2026, 9, 20), receipt_no="受理-1", today=TODAY)
        assert (
            s.scalars(select(EventRow.type).order_by(EventRow.id.desc())).first()
            == "change_application_filed"
        )


@pytest.mark.parametrize(
    ("kind", "missing"), [("merger", "decided_at"), ("name", "registered_at"), ("local_org", "registered_at")]
)
def test_kind_requires_its_date(scope: Scope, licence: str, kind: str, missing: str) -> None:
    with pytest.raises(InputError, match=missing), scope() as s:
        service.add_change(s, licence=licence, kind=kind, today=TODAY)


def test_local_org_change_is_reported_not_applied_for(scope: Scope, licence: str) -> None:
    from vats.store.models import EventRow

    with scope() as s:
        cid = service.add_change(
            s, licence=licence, kind="local_org", registered_at=date(2026, 9, 1), today=TODAY
        ).id
        service.file_change(s, change_id=cid, filed_at=date(2026, 9, 5), today=TODAY)
        types = s.scalars(select(EventRow.type).order_by(EventRow.id)).all()
    assert types == ["local_org_changed", "local_org_change_reported"]


def test_filing_before_the_change_is_refused(scope: Scope, licence: str) -> None:
    with scope() as s:
        cid = service.add_change(
            s, licence=licence, kind="name", registered_at=date(2026, 9, 10), today=TODAY
        ).id
    with pytest.raises(InputError) as info, scope() as s:
        service.file_change(s, change_id=cid, filed_at=date(2026, 9, 1), today=TODAY)
    assert info.value.field == "filed_at"


def test_cli_round_trip(db_url: str, licence: str) -> None:
    def run(*args: str) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["change", *args, "--db", db_url, "--json"])
        assert r.exit_code == 0, (r.output, r.exception)
        out: dict[str, object] = json.loads(r.stdout)
        return out

    c = run("add", "--licence", licence, "--kind", "capital", "--registered-at", "2026-09-01")
    assert c["due"]["due_date"] == "2026-10-08"  # type: ignore[index]
    run("file", str(c["id"]), "--filed-at", "2026-09-15", "--receipt", "R")
    (item,) = run("list", "--as-of", "2026-10-05")["items"]  # type: ignore[misc]
    assert item["status"] == "filed" and item["due"]["status"] == "satisfied"
