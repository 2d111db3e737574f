"""`vats user …` as an operator runs it: a real process, a real database, exit codes checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

VATS = [sys.executable, "-m", "vats.cli.main"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VATS, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vats.db'}"


def test_first_admin_then_token(db: str) -> None:
    created = run(
        "user", "create", "alice", "--role", "admin", "--password-stdin", "--db", db, stdin="s3cret-pass\n"
    )
    assert created.returncode == 0, created.stderr
    assert "alice" in created.stdout
    issued = run("user", "token", "alice", "--db", db)
    assert issued.returncode == 0, issued.stderr
    secret = issued.stdout.strip()
    assert secret.startswith("vats_") and len(secret) > 40

    from sqlalchemy import text

    from vats.api import accounts
    from vats.store.db import make_engine, session_scope

    engine = make_engine(db)
    with session_scope(engine, actor="test") as s:
        principal = accounts.principal_from_token(s, secret)
        assert principal is not None and principal.name == "alice" and principal.role.value == "admin"
        assert accounts.authenticate_password(s, name="alice", password="s3cret-pass") is not None
        assert accounts.authenticate_password(s, name="alice", password="wrong-pass") is None
        stored = s.scalar(text("SELECT token_hash FROM api_tokens"))
        assert stored != secret and secret not in str(stored)  # hashed at rest
    engine.dispose()
    listed = run("user", "list", "--db", db)
    assert "alice\tadmin" in listed.stdout


def test_errors_have_distinct_exit_codes(db: str) -> None:
    assert run("user", "create", "bob", "--password-stdin", "--db", db, stdin="long-enough\n").returncode == 0
    duplicate = run("user", "create", "bob", "--password-stdin", "--db", db, stdin="long-enough\n")
    assert duplicate.returncode == 3 and "already exists" in duplicate.stderr
    bad_role = run(
        "user", "create", "carol", "--role", "root", "--password-stdin", "--db", db, stdin="long-enough\n"
    )
    assert bad_role.returncode == 2 and "--role" in bad_role.stderr
    short = run("user", "create", "dave", "--password-stdin", "--db", db, stdin="short\n")
    assert short.returncode == 2 and "password" in short.stderr
    missing = run("user", "token", "nobody", "--db", db)
    assert missing.returncode == 2 and "nobody" in missing.stderr
    for result in (duplicate, bad_role, short, missing):
        assert "Traceback" not in result.stderr
