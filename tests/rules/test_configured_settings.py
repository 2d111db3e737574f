"""The deployment's settings file ($VATS_SETTINGS) reaches every evaluation that is not handed
settings explicitly: the engine's default, and through it the stored paths and the web."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from vats.model.errors import InputError
from vats.model.licence import Licence
from vats.model.obligations import ObligationStatus
from vats.rules.engine import evaluate
from vats.rules.settings import SETTINGS_ENV, EngineSettings, configured_settings

AS_OF = date(2026, 2, 9)  # the 2025 annual report (due 31 March) is 50 days away


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_the_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    assert configured_settings() == EngineSettings()


def test_the_file_sets_the_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "due_soon_days: 80\nnumbers: {complaint_reply_days: 10}\n")
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    configured = configured_settings()
    assert configured.due_soon_days == 80
    assert configured.number("complaint_reply_days", 15) == 10


def test_the_engine_default_follows_the_file(
    reference_licence: Licence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    default = evaluate([reference_licence], [], AS_OF).obligations
    between = [
        o
        for o in default
        if o.due_date is not None and AS_OF + timedelta(days=31) <= o.due_date <= AS_OF + timedelta(days=80)
    ]
    assert between and all(o.status is ObligationStatus.UPCOMING for o in between)
    monkeypatch.setenv(SETTINGS_ENV, str(_write(tmp_path, "due_soon_days: 80\n")))
    tuned = {
        (o.rule_id, o.subject, o.due_date): o.status
        for o in evaluate([reference_licence], [], AS_OF).obligations
    }
    assert all(tuned[(o.rule_id, o.subject, o.due_date)] is ObligationStatus.DUE_SOON for o in between)


def test_a_bad_file_names_the_setting_or_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError) as missing:
        configured_settings()
    assert missing.value.field == SETTINGS_ENV
    monkeypatch.setenv(SETTINGS_ENV, str(_write(tmp_path, "numbers: {no_such_number: 3}\n")))
    with pytest.raises(InputError):
        configured_settings()
