"""`vats calendar …` end to end through the real entry point (exit codes, messages, files)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from inprocess_cli import run

from factories import make_reference

HEAD = "year: 2027\nnotice: x\nholidays:\n"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from vats.rules.calendar import default_calendar

    default_calendar.cache_clear()
    yield
    default_calendar.cache_clear()


def test_workdays_add_known_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["calendar", "workdays", "add", "2026-09-28", "10"], capsys)[:2] == (0, "2026-10-16\n")


def test_workdays_add_json_and_negative(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["calendar", "workdays", "add", "-f", "json", "--", "2026-10-16", "-10"], capsys)
    assert code == 0 and json.loads(out)["date"] == "2026-09-28"


def test_workdays_between(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["calendar", "workdays", "between", "2026-09-28", "2026-10-16"], capsys)[:2] == (0, "10\n")


def test_provisional_past_known_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["calendar", "workdays", "add", "2026-12-28", "10"], capsys)
    assert code == 0 and out.strip() == "2027-01-11" and "2027 holiday notice not loaded" in err


def test_before_2024_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["calendar", "workdays", "add", "2023-12-28", "1"], capsys)
    assert code == 2 and "2023-12-28" in err and "Traceback" not in err


def test_bad_date_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["calendar", "workdays", "between", "2026-13-01", "2026-12-01"], capsys)
    assert code == 2 and "A:" in err


def test_show_year_and_unknown_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["calendar", "show", "2026"], capsys)
    assert code == 0 and "2026-10-10" in out and "国庆节" in out
    code, _, err = run(["calendar", "show", "2027"], capsys)
    assert code == 2 and "2027" in err


def test_import_yaml_then_year_is_known(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "2027.yaml"
    src.write_text(
        "year: 2027\nnotice: 测试通知\nholidays:\n"
        "  - {name_zh: 元旦, name_en: New Year, start: 2027-01-01, end: 2027-01-03}\n"
        "  - {name_zh: 国庆节, name_en: National Day, start: 2027-10-01, end: 2027-10-07,"
        " makeup: [2027-09-26]}\n",
        encoding="utf-8",
    )
    code, out, _ = run(["calendar", "import", str(src)], capsys)
    assert code == 0 and "2027" in out
    assert (tmp_path / "xdg" / "vats" / "calendar" / "2027.yaml").is_file()
    code, out, err = run(["calendar", "workdays", "add", "2026-12-31", "1"], capsys)
    assert out.strip() == "2027-01-04" and "provisional" not in err
    code, _, err = run(["calendar", "import", str(src)], capsys)
    assert code == 2 and "--replace" in err


def test_import_csv_to_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "h.csv"
    src.write_text(
        "date,kind,name_zh,name_en\n2027-01-01,holiday,元旦,New Year\n2027-01-02,holiday,元旦,New Year\n"
        "2027-01-03,holiday,元旦,New Year\n2027-01-09,makeup,元旦,New Year\n",
        encoding="utf-8",
    )
    target = tmp_path / "out"
    assert run(["calendar", "import", str(src), "--to", str(target)], capsys)[0] == 0
    assert "2027-01-09" in (target / "2027.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "needle", "line"),
    [
        (
            HEAD + "  - {name_zh: a, name_en: a, start: 2027-01-01, end: 2027-01-01, makeup: [2027-01-06]}\n",
            "not a Saturday or Sunday",
            4,
        ),
        (
            HEAD + "  - {name_zh: a, name_en: a, start: 2028-01-01, end: 2028-01-01}\n",
            "outside year 2027",
            4,
        ),
        (
            HEAD + "  - {name_zh: a, name_en: a, start: 2027-01-01, end: 2027-01-03}\n"
            "  - {name_zh: b, name_en: b, start: 2027-01-03, end: 2027-01-04}\n",
            "overlaps",
            5,
        ),
        (
            "year: 2027\nnotice: x\ncolour: red\nholidays:\n"
            "  - {name_zh: a, name_en: a, start: 2027-01-01, end: 2027-01-01}\n",
            "unknown field 'colour'",
            3,
        ),
    ],
)
def test_import_rejects_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, needle: str, line: int
) -> None:
    src = tmp_path / "bad.yaml"
    src.write_text(body, encoding="utf-8")
    code, _, err = run(["calendar", "import", str(src), "--to", str(tmp_path / "out")], capsys)
    assert code == 2 and needle in err and f"bad.yaml:{line}:" in err
    assert not (tmp_path / "out").exists()


def test_ics_command_writes_parseable_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vats.model.serialise import dumps

    lic = tmp_path / "licence.json"
    lic.write_text(dumps(make_reference()), encoding="utf-8")
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {type: illegal_info_disposed, date: 2026-09-28, subject: 'case:42'}\n", encoding="utf-8"
    )
    out = tmp_path / "out.ics"
    argv = [
        "calendar",
        "ics",
        str(lic),
        "-o",
        str(out),
        "--events",
        str(events),
        "--as-of",
        "2026-11-28",
        "--alarms",
        "7",
    ]
    assert run(argv, capsys)[0] == 0
    first = Calendar.from_ical(out.read_bytes())
    dues = {ev.decoded("dtstart") for ev in first.walk("VEVENT")}
    assert date(2026, 10, 16) in dues and date(2026, 7, 22) in dues
    assert run(argv, capsys)[0] == 0  # re-export: same UIDs, no duplicates
    again = Calendar.from_ical(out.read_bytes())
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(
        str(e["uid"]) for e in first.walk("VEVENT")
    )


def test_ics_unwritable_target_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vats.model.serialise import dumps

    lic = tmp_path / "licence.json"
    lic.write_text(dumps(make_reference()), encoding="utf-8")
    out = tmp_path / "missing-dir" / "out.ics"
    code, _, err = run(["calendar", "ics", str(lic), "-o", str(out), "--as-of", "2026-11-28"], capsys)
    assert code == 2 and "out.ics" in err and not out.exists()


def test_bad_alarms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["calendar", "ics", str(tmp_path / "x.json"), "-o", str(tmp_path / "o.ics"), "--alarms", "30,soon"],
        capsys,
    )
    assert code == 2 and "--alarms" in err


def test_usage_error_and_help_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["calendar", "workdays", "add", "2026-01-01"], capsys)
    assert code == 2 and "Missing argument" in err and "internal error" not in err
    code, out, err = run(["calendar", "--help"], capsys)
    assert code == 0 and "workdays" in out and "internal error" not in err
