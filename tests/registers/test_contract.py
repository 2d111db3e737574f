"""The register contract: what every register promises, checked the same way for each (NetBox's
inherited view tests, in pytest form). A register joins by subclassing `RegisterContract` with its
spec, valid create values and the values of each step on the way to its final state.

Runs on SQLite and PostgreSQL (the `db_url` fixture), through the generic service, the real CLI and
the table export — the same paths users take.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from vats.model.errors import ConflictError
from vats.registers import REGISTERS, specs
from vats.registers.spec import RegisterSpec
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]


class RegisterContract:
    spec: ClassVar[RegisterSpec]
    create_values: ClassVar[dict[str, Any]]
    #: (action, values) from the initial state to a closed record, through every step
    path: ClassVar[tuple[tuple[str, dict[str, Any]], ...]]
    #: how many steps of `path` come before the correction, the field and its corrected value
    correction: ClassVar[tuple[int, str, Any]]
    #: a second value of a list filter of the register's own (field, value of create_values')
    own_filter: ClassVar[str]

    def _add(self, s: Any, licence: str, **changes: Any) -> Any:
        from vats.registers.generic import service

        return service.add(s, self.spec, values={**self.create_values, "licence": licence, **changes})

    def test_spec_is_complete(self) -> None:
        spec = self.spec
        assert spec.plural in REGISTERS and spec in specs()
        models = [spec.create, spec.filters, spec.out, *(s.body for s in spec.steps if s.body)]
        for model in models:
            for name in model.model_fields:
                assert spec.label(name).zh and spec.label(name).en, name
        actions = {action for (_state, action) in spec.machine.transitions}
        assert {action for action, _values in self.path} <= actions
        assert set(spec.machine.actions_from(spec.machine.initial)), "the initial state allows an action"

    def test_create_then_every_step_reaches_closed(self, scope: Scope, licence: str) -> None:
        from vats.registers.generic import service

        with scope() as s:
            record_id = self._add(s, licence).id
        for action, values in self.path:
            with scope() as s:
                record = service.act(s, self.spec, record_id=record_id, action=action, values=values)
                assert record.status == self.spec.machine.apply(self._before(action), action, subject="x")
        with scope() as s:
            final = service.get(s, self.spec, record_id=record_id)
            assert final.status not in self.spec.machine.open_states
            assert self.spec.machine.actions_from(final.status) == ()
            assert service.present(s, self.spec, [final])[0].actions == []

    def _before(self, action: str) -> str:
        state = self.spec.machine.initial
        for step, _values in self.path:
            if step == action:
                return state
            state = self.spec.machine.apply(state, step, subject="x")
        raise AssertionError(action)

    def test_wrong_state_is_refused_naming_allowed_actions(self, scope: Scope, licence: str) -> None:
        from vats.registers.generic import service

        last, values = self.path[-1]
        with scope() as s:
            record = self._add(s, licence)
            version = record.version
            with pytest.raises(TransitionError) as refused:
                service.act(s, self.spec, record_id=record.id, action=last, values=values)
        allowed = self.spec.machine.actions_from(self.spec.machine.initial)
        assert all(action in str(refused.value) for action in allowed)
        assert refused.value.field == "status"
        with scope() as s:
            assert service.get(s, self.spec, record_id=record.id).version == version  # nothing changed

    def test_stale_version_conflicts(self, scope: Scope, licence: str) -> None:
        from vats.registers.generic import service

        action, values = self.path[0]
        with scope() as s:
            record = self._add(s, licence)
            with pytest.raises(ConflictError) as stale:
                service.act(
                    s,
                    self.spec,
                    record_id=record.id,
                    action=action,
                    values=values,
                    expected_version=record.version + 1,
                )
        assert stale.value.field == "version"

    def test_filters_and_paging(self, scope: Scope, licence: str) -> None:
        from vats.registers.generic import service
        from vats.store.listing import Page

        action, values = self.path[0]
        with scope() as s:
            ids = [self._add(s, licence).id for _ in range(3)]
            service.act(s, self.spec, record_id=ids[0], action=action, values=values)
        with scope() as s:
            first = service.find(s, self.spec, page=Page(1, 2))
            second = service.find(s, self.spec, page=Page(2, 2))
            assert first.total == 3 and len(first.items) == 2 and len(second.items) == 1
            assert {r.id for r in [*first.items, *second.items]} == set(ids)
            initial = self.spec.machine.initial
            moved = self.spec.machine.apply(initial, action, subject="x") != initial
            assert service.find(s, self.spec, filters={"status": initial}).total == (2 if moved else 3)
            assert service.find(s, self.spec, filters={"licence": "京B2-00000000"}).total == 0
            own = {self.own_filter: self.create_values[self.own_filter]}
            assert service.find(s, self.spec, filters=own).total == 3

    def test_correction_moves_the_events_and_deadline(self, scope: Scope, licence: str) -> None:
        """A corrected date retracts the events it implied and records the right ones, so the
        deadlines the engine derives from them (the record's due summary, where it has one) follow."""
        from vats.registers.generic import service

        steps, name, value = self.correction
        with scope() as s:
            record = self._add(s, licence)
            for action, values in self.path[:steps]:
                record = service.act(s, self.spec, record_id=record.id, action=action, values=values)
            before = service.present(s, self.spec, [record])[0].due
            events_before = _events(s, record.subject)
        with scope() as s:
            record = service.get(s, self.spec, record_id=record.id)
            corrected = service.correct(
                s,
                self.spec,
                record_id=record.id,
                changes={name: value},
                reason="typed the wrong date",
                expected_version=record.version,
            )
            after = service.present(s, self.spec, [corrected])[0].due
            events_after = _events(s, corrected.subject)
        assert events_before and events_after and events_before != events_after
        if before is not None:
            assert after is not None
            assert (before.due_date, before.completed_on) != (after.due_date, after.completed_on)

    def test_cli_round_trip_and_labelled_export(self, db_url: str, licence: str, tmp_path: Path) -> None:
        from vats.cli.main import cli

        spec = self.spec
        args = [spec.key, "add"]
        for name, value in {**self.create_values, "licence": licence}.items():
            args += [spec.option(name), _text(value)]
        added = CliRunner().invoke(cli, [*args, "--db", db_url, "--json"])
        assert added.exit_code == 0, added.output
        record_id = str(json.loads(added.stdout)["id"])
        shown = CliRunner().invoke(cli, [spec.key, "show", record_id, "--db", db_url, "--json"])
        assert json.loads(shown.stdout)["status"] == spec.machine.initial
        out = tmp_path / "export.csv"
        table = spec.load_model().__tablename__
        exported = CliRunner().invoke(cli, ["export", "--table", table, "--output", str(out), "--db", db_url])
        assert exported.exit_code == 0, exported.output
        with out.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        columns = [c.name for c in spec.load_model().__table__.columns]
        assert header == [spec.label(c).zh for c in columns]


def _events(session: Session, subject: str) -> set[tuple[str, date]]:
    from vats.rules.engine import without_retracted
    from vats.store.events import list_events

    return {(e.type, e.date) for e in without_retracted(list_events(session, subject=subject))}


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else str(value)


def _spec(plural: str) -> RegisterSpec:
    return next(s for s in specs() if s.plural == plural)


class TestCases(RegisterContract):
    spec = _spec("cases")
    create_values = {"site": "dongchedi.com", "content_ref": "p/1", "category": "rumours"}
    create_values |= {"discovered_at": date(2026, 9, 27)}
    path = (
        ("dispose", {"disposed_at": date(2026, 9, 28), "action": "delete", "records_ref": "vault/1"}),
        ("report", {"reported_at": date(2026, 10, 9), "receipt_no": "R-1"}),
        ("close", {}),
    )
    correction = (1, "disposed_at", date(2026, 9, 30))
    own_filter = "category"


class TestComplaints(RegisterContract):
    spec = _spec("complaints")
    create_values = {"received_at": date(2026, 9, 1), "channel": "phone", "topic": "billing"}
    create_values |= {"complainant_ref": "C-1"}
    path = (("reply", {"replied_at": date(2026, 9, 5)}), ("close", {}))
    correction = (0, "received_at", date(2026, 9, 3))
    own_filter = "channel"


class TestIncidents(RegisterContract):
    spec = _spec("incidents")
    create_values = {"kind": "outage", "severity": "major", "title": "机房断电"}
    create_values |= {"started_at": datetime(2026, 9, 1, 10, 0)}
    path = (
        ("contain", {"contained_at": datetime(2026, 9, 1, 12, 0)}),
        ("report", {"reported_at": datetime(2026, 9, 1, 13, 0)}),
        ("follow_up", {"at": datetime(2026, 9, 2, 9, 0), "note": "恢复"}),
        ("close", {}),
    )
    correction = (0, "started_at", datetime(2026, 9, 3, 10, 0))
    own_filter = "kind"


class TestAssessments(RegisterContract):
    spec = _spec("assessments")
    create_values = {"kind": "new_business", "scope": "新业务上线评估"}
    path = (
        ("complete", {"completed_at": date(2026, 9, 1)}),
        ("report", {"reported_at": date(2026, 9, 20), "report_ref": "A-1"}),
        ("close", {}),
    )
    correction = (1, "completed_at", date(2026, 8, 20))
    own_filter = "kind"


class TestChanges(RegisterContract):
    spec = _spec("changes")
    create_values = {"kind": "shareholder", "decided_at": date(2026, 9, 1)}
    path = (("file", {"filed_at": date(2026, 9, 20), "receipt_no": "B-1"}), ("close", {}))
    correction = (0, "decided_at", date(2026, 8, 10))
    own_filter = "kind"


class TestFilings(RegisterContract):
    spec = _spec("filings")
    create_values = {"kind": "renewal"}
    path = (("submit", {"submitted_at": date(2026, 9, 1), "receipt_no": "F-1"}), ("close", {}))
    correction = (1, "submitted_at", date(2026, 9, 2))
    own_filter = "kind"


def test_every_register_has_a_contract() -> None:
    covered = {cls.spec.plural for cls in RegisterContract.__subclasses__()}
    assert covered == set(REGISTERS)


def test_cli_lists_every_register_with_its_title() -> None:
    from vats.cli.main import cli

    shown = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert shown.exit_code == 0
    for spec in specs():
        assert f"{spec.key} " in shown.output and spec.title.zh in shown.output


def test_openapi_documents_every_step_with_its_own_body() -> None:
    from vats.api.app import create_app

    paths = create_app(database_url="sqlite://").openapi()["paths"]
    for spec in specs():
        assert f"/api/v1/{spec.plural}" in paths
        for step in spec.steps:
            route = paths[f"/api/v1/{spec.plural}/{{{spec.key}_id}}/{step.path}"]["post"]
            body = route.get("requestBody", {}).get("content", {}).get("application/json", {})
            expected = f"#/components/schemas/{step.body.__name__}" if step.body else None
            assert body.get("schema", {}).get("$ref") == expected, (spec.key, step.action)
            assert route["summary"] == str(spec.summary(step.action))
