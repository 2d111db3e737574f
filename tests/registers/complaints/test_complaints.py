"""Complaints: receipt → reply within 15 days (engine), validation, events, CLI round trip."""

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
from vats.registers.complaints import service
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]
TODAY = date(2026, 11, 29)


def _add(s: Session, licence: str, received: date = date(2026, 9, 1)) -> int:
    c = service.add_complaint(
        s,
        licence=licence,
        received_at=received,
        channel="phone",
        topic="personal_information",
        complainant_ref="T-7",
        today=TODAY,
    )
    return c.id


def test_reply_clock_and_events(scope: Scope, licence: str) -> None:
    from vats.registers.events import obligations_for
    from vats.store.models import EventRow

    with scope() as s:
        cid = _add(s, licence)
    with scope() as s:
        (ob,) = obligations_for(s, subjects={f"complaint:{cid}": licence}, as_of=date(2026, 9, 2))[
            f"complaint:{cid}"
        ]
    assert ob.due_date == date(2026, 9, 16)  # 15 calendar days after receipt
    with scope() as s:
        service.reply_complaint(s, complaint_id=cid, replied_at=date(2026, 9, 20), today=TODAY)
    with scope() as s:
        (ob,) = obligations_for(s, subjects={f"complaint:{cid}": licence}, as_of=date(2026, 9, 30))[
            f"complaint:{cid}"
        ]
        types = s.scalars(select(EventRow.type).order_by(EventRow.id)).all()
    assert ob.late and ob.completed_on == date(2026, 9, 20)
    assert types == ["complaint_received", "complaint_replied"]


def test_states_and_validation(scope: Scope, licence: str) -> None:
    with scope() as s:
        cid = _add(s, licence)
    with pytest.raises(TransitionError), scope() as s:
        service.close_complaint(s, complaint_id=cid)
    with pytest.raises(InputError) as info, scope() as s:
        service.reply_complaint(s, complaint_id=cid, replied_at=date(2026, 8, 31), today=TODAY)
    assert info.value.field == "replied_at"
    with pytest.raises(InputError) as info, scope() as s:
        service.add_complaint(
            s,
            licence=licence,
            received_at=date(2026, 9, 1),
            channel="pigeon",
            topic="billing",
            complainant_ref="x",
            today=TODAY,
        )
    assert info.value.field == "channel"
    with scope() as s:
        service.reply_complaint(s, complaint_id=cid, replied_at=date(2026, 9, 3), today=TODAY)
        assert service.close_complaint(s, complaint_id=cid).status == "closed"
    with pytest.raises(TransitionError), scope() as s:
        service.reply_complaint(s, complaint_id=cid, replied_at=date(2026, 9, 3), today=TODAY)


def test_cli_round_trip(db_url: str, licence: str) -> None:
    def run(*args: str) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["complaint", *args, "--db", db_url, "--json"])
        assert r.exit_code == 0, (r.output, r.exception)
        out: dict[str, object] = json.loads(r.stdout)
        return out

    c = run(
        "add",
        "--licence",
        licence,
        "--received-at",
        "2026-09-01",
        "--channel",
        "email",
        "--topic",
        "billing",
        "--complainant",
        "T-9",
    )
    run("reply", str(c["id"]), "--replied-at", "2026-09-10")
    (item,) = run("list", "--as-of", "2026-09-30")["items"]  # type: ignore[misc]
    assert item["status"] == "replied" and item["due"]["due_date"] == "2026-09-16"
    assert item["due"]["status"] == "satisfied"
