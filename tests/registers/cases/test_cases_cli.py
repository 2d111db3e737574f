"""`vats case …` round trips through the real CLI entry point (CliRunner on `vats.cli.main.cli`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from vats.cli.main import cli, main
from vats.model.errors import ExitCode, InputError
from vats.registers.states import TransitionError

Scope = Callable[[], AbstractContextManager[Session]]


def run(db_url: str, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["case", *args, "--db", db_url, "--actor", "officer-li", "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_add_dispose_report_list_shows_engine_due_date_and_late(db_url: str, licence: str) -> None:
    case = run(
        db_url,
        "add",
        "--licence",
        licence,
        "--site",
        "dongchedi.com",
        "--content",
        "post/9",
        "--category",
        "rumours",
        "--discovered-at",
        "2026-09-27",
    )
    assert case["status"] == "open" and case["actions"] == ["dispose"] and case["due"] is None
    cid = str(case["id"])
    disposed = run(
        db_url,
        "dispose",
        cid,
        "--disposed-at",
        "2026-09-28",
        "--action",
        "delete",
        "--records-ref",
        "vault/9",
        "--expected-version",
        "1",
    )
    assert disposed["status"] == "disposed" and disposed["version"] == 2
    run(db_url, "report", cid, "--reported-at", "2026-10-20", "--receipt", "R-88")
    listing = run(db_url, "list", "--as-of", "2026-10-20")
    assert listing["total"] == 1
    (item,) = listing["items"]  # type: ignore[misc]
    assert item["due"]["due_date"] == "2026-10-16"
    assert item["due"]["status"] == "late"
    shown = run(db_url, "show", cid, "--as-of", "2026-10-20")
    assert shown["receipt_no"] == "R-88" and shown["actions"] == ["close"]


def test_text_list_has_due_columns(db_url: str, licence: str) -> None:
    run(
        db_url,
        "add",
        "--licence",
        licence,
        "--site",
        "a.com",
        "--content",
        "p",
        "--category",
        "defamation",
        "--discovered-at",
        "2026-09-27",
    )
    run(db_url, "dispose", "1", "--disposed-at", "2026-09-28", "--action", "stop", "--no-records")
    result = CliRunner().invoke(cli, ["case", "list", "--db", db_url, "--as-of", "2026-10-10"])
    assert result.exit_code == 0, result.output
    assert "2026-10-16" in result.stdout and "due_status" in result.stdout


def test_invalid_transition_exits_4_with_a_message(
    db_url: str, licence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        db_url,
        "add",
        "--licence",
        licence,
        "--site",
        "a.com",
        "--content",
        "p",
        "--category",
        "rumours",
        "--discovered-at",
        "2026-09-27",
    )
    result = CliRunner().invoke(
        cli, ["case", "report", "1", "--reported-at", "2026-10-01", "--receipt", "R", "--db", db_url]
    )
    assert isinstance(result.exception, TransitionError)
    with pytest.raises(SystemExit) as exit_info:
        main(["case", "report", "1", "--reported-at", "2026-10-01", "--receipt", "R", "--db", db_url])
    assert exit_info.value.code == ExitCode.REFUSED
    err = capsys.readouterr().err
    assert "vats: error:" in err and "dispose" in err and "Traceback" not in err


def test_missing_option_without_a_terminal_is_an_error_not_a_prompt(db_url: str, licence: str) -> None:
    result = CliRunner().invoke(cli, ["case", "add", "--licence", licence, "--db", db_url], input="")
    assert isinstance(result.exception, InputError)
    assert result.exception.field == "--site"


def test_bad_date_is_bad_input(db_url: str, licence: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "case",
            "add",
            "--licence",
            licence,
            "--site",
            "a",
            "--content",
            "p",
            "--category",
            "rumours",
            "--discovered-at",
            "27/09/2026",
            "--db",
            db_url,
        ],
    )
    assert isinstance(result.exception, InputError)
    assert result.exception.exit_code == ExitCode.BAD_INPUT


def test_correct_a_disposal_date_from_the_shell(
    db_url: str, licence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`vats case correct` moves the deadline with the corrected date; bad input names the option."""
    case = run(
        db_url, "add", "--licence", licence, "--site", "dongchedi.com", "--content", "post/7",
        "--category", "rumours", "--discovered-at", "2026-09-27",
    )  # fmt: skip
    case_id = str(case["id"])
    run(
        db_url,
        "dispose",
        case_id,
        "--disposed-at",
        "2026-09-28",
        "--action",
        "delete",
        "--records-ref",
        "box",
    )
    fixed = run(
        db_url, "correct", case_id, "--set", "disposed_at=2026-10-09", "--reason", "录入错误",
        "--expected-version", "2",
    )  # fmt: skip
    assert fixed["disposed_at"] == "2026-10-09" and fixed["version"] == 3
    assert fixed["due"]["due_date"] == "2026-10-22"  # type: ignore[index]
    with pytest.raises(SystemExit) as exit_info:
        main(["case", "correct", case_id, "--set", "disposed_at", "--reason", "x", "--db", db_url])
    assert exit_info.value.code == ExitCode.BAD_INPUT
    assert "--set" in capsys.readouterr().err
