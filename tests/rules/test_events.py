"""Events files: valid records load; bad dates, unknown types and fields fail with file, line, field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vats.model.errors import InputError
from vats.rules.events import load_events


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_events_with_shorthand_subject(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "events:\n"
        "  - {type: illegal_info_disposed, date: 2026-09-28, licence: 渝B2-20210467, id: c1,"
        " subject: 'case:42'}\n"
        "  - type: annual_report_filed\n    date: '2026-03-10'\n    fields: {year: '2025'}\n",
    )
    first, second = load_events(path)
    assert (
        first.date == date(2026, 9, 28)
        and first.fields["subject"] == "case:42"
        and first.licence == "渝B2-20210467"
    )
    assert second.licence is None and second.fields["year"] == 2025


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        (
            "events:\n  - type: illegal_info_disposed\n    date: 2026-02-30\n",
            3,
            "events.0.date",
            "not a date",
        ),
        (
            "events:\n  - {type: illegal_info_disposd, date: 2026-02-03}\n",
            2,
            "events.0.type",
            "unknown event type",
        ),
        (
            "events:\n  - type: registration_changed\n    date: 2026-02-03\n"
            "    fields: {change_kind: colour}\n",
            4,
            "events.0.fields.change_kind",
            "not one of",
        ),
        (
            "events:\n  - type: registration_changed\n    date: 2026-02-03\n",
            2,
            "events.0.fields",
            "change_kind",
        ),
        (
            "events:\n  - {type: complaint_received, date: 2026-02-03, when: now}\n",
            2,
            "events.0.when",
            "unknown field",
        ),
        (
            "events:\n  - {type: complaint_received, date: 2026-02-03, fields: {colour: red}}\n",
            2,
            "events.0.fields.colour",
            "unknown field",
        ),
        ("events:\n  - {date: 2026-02-03}\n", 2, "events.0", "missing required field 'type'"),
        (
            "events:\n  - type: network_unit_graded\n    date: 2026-02-03\n"
            "    fields: {unit: web, level: high}\n",
            4,
            "events.0.fields.level",
            "whole number",
        ),
    ],
)
def test_bad_events_name_line_and_field(
    tmp_path: Path, body: str, line: int, field: str, message: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputError) as exc:
        load_events(path)
    assert exc.value.source == str(path)
    assert exc.value.line == line
    assert exc.value.field == field
    assert message in exc.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_events(tmp_path / "nope.yaml")


_SUBJECTS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:-_案件", min_size=1, max_size=12)
_EVENT = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["illegal_info_disposed", "complaint_received", "renewal_applied", "incident_reported"]
        ),
        "date": st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
        "subject": _SUBJECTS,
    },
    optional={"licence": st.sampled_from(["渝B2-20210467", "B2-20090059"]), "id": _SUBJECTS},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(_EVENT, max_size=6))
def test_valid_events_round_trip_through_yaml(tmp_path: Path, items: list[dict[str, object]]) -> None:
    import yaml

    path = _write(tmp_path, yaml.safe_dump({"events": items}, allow_unicode=True))
    loaded = load_events(path)
    assert [(e.type, e.date, e.licence, e.id, e.fields["subject"]) for e in loaded] == [
        (i["type"], i["date"], i.get("licence"), i.get("id"), i["subject"]) for i in items
    ]
