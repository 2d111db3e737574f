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


def _audit_actions(db: str, entity: str) -> list[tuple[str, str]]:
    from sqlalchemy import text

    from vats.store.db import make_engine

    engine = make_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, action FROM audit_log WHERE entity = :e ORDER BY id"), {"e": entity}
        ).all()
    engine.dispose()
    return [(str(a), str(b)) for a, b in rows]


def test_disable_enable_role_and_revoke_grant_are_audited(db: str) -> None:
    from vats.api import accounts
    from vats.store.db import make_engine, session_scope
    from vats.store.organisations import add_organisation

    assert (
        run("user", "create", "erin", "--password-stdin", "--db", db, stdin="long-enough\n").returncode == 0
    )
    engine = make_engine(db)
    with session_scope(engine, actor="test") as s:
        org = add_organisation(s, name="甲公司", uscc=None)
        org_id = org.id
    engine.dispose()
    assert run("user", "grant", "erin", str(org_id), "--db", db).returncode == 0
    secret = run("user", "token", "erin", "--db", db).stdout.strip()

    disabled = run("user", "disable", "erin", "--db", db)
    assert disabled.returncode == 0, disabled.stderr
    engine = make_engine(db)
    with session_scope(engine, actor="test") as s:
        assert accounts.principal_from_token(s, secret) is None  # a disabled user's token stops working
        assert accounts.authenticate_password(s, name="erin", password="long-enough") is None
    assert "erin\tviewer\tdisabled" in run("user", "list", "--db", db).stdout

    assert run("user", "enable", "erin", "--db", db).returncode == 0
    assert run("user", "role", "erin", "officer", "--db", db).returncode == 0
    with session_scope(engine, actor="test") as s:
        principal = accounts.principal_from_token(s, secret)
        assert principal is not None and principal.role.value == "officer"
        assert principal.organisations == frozenset({org_id})

    revoked = run("user", "revoke-grant", "erin", "--org", "甲公司", "--db", db)
    assert revoked.returncode == 0, revoked.stderr
    with session_scope(engine, actor="test") as s:
        principal = accounts.principal_from_token(s, secret)
        assert principal is not None and principal.organisations == frozenset()
    engine.dispose()

    again = run("user", "revoke-grant", "erin", "--org", "甲公司", "--db", db)
    assert again.returncode == 2 and "organisation" in again.stderr and "Traceback" not in again.stderr
    unknown = run("user", "revoke-grant", "erin", "--org", "乙公司", "--db", db)
    assert unknown.returncode == 2 and "--org" in unknown.stderr
    bad_role = run("user", "role", "erin", "root", "--db", db)
    assert bad_role.returncode == 2 and "Traceback" not in bad_role.stderr

    actor_changes = _audit_actions(db, "actors")
    assert sum(1 for _a, action in actor_changes if action == "update") >= 3  # disable, enable, role
    assert all(a.startswith("cli:") for a, action in actor_changes if action == "update")
    assert "delete" in {action for _a, action in _audit_actions(db, "org_grants")}


def test_password_reset_revokes_tokens(db: str) -> None:
    from vats.api import accounts
    from vats.store.db import make_engine, session_scope

    assert (
        run("user", "create", "finn", "--password-stdin", "--db", db, stdin="long-enough\n").returncode == 0
    )
    secret = run("user", "token", "finn", "--db", db).stdout.strip()
    reset = run("user", "password", "finn", "--password-stdin", "--db", db, stdin="another-long-one\n")
    assert reset.returncode == 0, reset.stderr
    engine = make_engine(db)
    with session_scope(engine, actor="test") as s:
        assert accounts.principal_from_token(s, secret) is None
        assert accounts.authenticate_password(s, name="finn", password="another-long-one") is not None
    engine.dispose()
