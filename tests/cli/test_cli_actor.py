"""Every command-line path writes the same person to the audit log the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.cli.user import _session as user_session
from vats.registers.cli import open_session as register_session
from vats.store.db import cli_session
from vats.store.scope import scope_of


@pytest.mark.parametrize("explicit", [None, "officer-li"])
def test_register_user_and_store_commands_name_the_same_actor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, explicit: str | None
) -> None:
    monkeypatch.delenv("VATS_ACTOR", raising=False)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "alice")
    url = f"sqlite:///{tmp_path / 'vats.db'}"
    with register_session(url, explicit) as s:
        from_registers = scope_of(s).actor
    with user_session(url) as s:
        from_users = scope_of(s).actor
    with cli_session(url, actor=explicit) as s:
        from_store = scope_of(s).actor
    assert from_registers == from_store == (explicit or "cli:alice")
    assert from_users == "cli:alice"


def test_vats_actor_is_honoured_by_the_user_commands_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VATS_ACTOR", "ops-bot")
    url = f"sqlite:///{tmp_path / 'vats.db'}"
    with user_session(url) as s, register_session(url, None) as r:
        assert scope_of(s).actor == scope_of(r).actor == "ops-bot"
