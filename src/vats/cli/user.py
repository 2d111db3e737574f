"""`vats user …`: local users, organisation grants and API tokens (run on the server host)."""

from __future__ import annotations

import getpass
import sys
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Annotated

import typer

from vats.model.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(help="用户与令牌 / Users and API tokens", no_args_is_help=True, add_completion=False)

DbOption = Annotated[str | None, typer.Option("--db", help="数据库 URL / database URL")]
ROLES = ("admin", "officer", "viewer", "auditor")


def _read_password(stdin: bool) -> str:
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码 / password: ")
        if getpass.getpass("再次输入 / repeat: ") != password:
            raise InputError("passwords differ / 两次输入的密码不一致", field="password")
    if not password:
        raise InputError("empty password / 密码为空", field="password")
    return password


def _session(db: str | None) -> AbstractContextManager[Session]:
    """A session on a migrated database: creating the first admin is the first thing an operator
    does, so the schema is brought to head here (idempotent) instead of demanding `vats db upgrade`."""
    from vats.store.db import cli_session

    return cli_session(db)


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (admin, officer, viewer, auditor)", field="--role")
    return role


def _organisation_id(session: Session, ref: str) -> int:
    """`--org` by id, unified social credit code or exact name."""
    from vats.model.errors import NotFoundError
    from vats.store.organisations import find_organisation

    try:
        return find_organisation(session, ref).id
    except NotFoundError as exc:
        raise NotFoundError(exc.message, field="--org") from None


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option(help="admin | officer | viewer | auditor")] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
    db: DbOption = None,
) -> None:
    """创建用户 / Create a local user (the first one should be an admin)."""
    from vats.store.accounts import create_user

    role = _role(role)
    password = _read_password(password_stdin)
    with _session(db) as session:
        create_user(session, name=name, role=role, password=password)
    typer.echo(f"已创建用户 / created user {name} ({role})")


@app.command("password")
def password(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    db: DbOption = None,
) -> None:
    """重置密码 / Set a user's password; their sessions, API tokens and calendar feeds end."""
    from vats.store.accounts import reset_password

    secret = _read_password(password_stdin)
    with _session(db) as session:
        reset_password(session, name=name, password=secret)
    typer.echo(f"已更新密码，原有会话与令牌已失效 / password updated for {name}; sessions and tokens revoked")


@app.command("role")
def role(
    name: str,
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help="admin | officer | viewer | auditor")],
    db: DbOption = None,
) -> None:
    """修改角色 / Change a user's role."""
    from vats.store.accounts import set_role

    checked = _role(new_role)
    with _session(db) as session:
        set_role(session, name=name, role=checked)
    typer.echo(f"{name}: {checked}")


@app.command("disable")
def disable(name: str, db: DbOption = None) -> None:
    """停用用户 / Disable a user: no login; sessions end, tokens and calendar feeds stop answering."""
    from vats.store.accounts import disable as do_disable

    with _session(db) as session:
        do_disable(session, name=name)
    typer.echo(f"已停用 / disabled {name}")


@app.command("enable")
def enable(name: str, db: DbOption = None) -> None:
    """启用用户 / Enable a disabled user again."""
    from vats.store.accounts import enable as do_enable

    with _session(db) as session:
        do_enable(session, name=name)
    typer.echo(f"已启用 / enabled {name}")


@app.command("grant")
def grant(
    name: str,
    organisation: Annotated[int, typer.Argument(help="组织 ID / organisation id")],
    db: DbOption = None,
) -> None:
    """授权查看组织 / Let a user see an organisation's data."""
    from vats.store.accounts import grant as do_grant

    with _session(db) as session:
        do_grant(session, name=name, organisation_id=organisation)
    typer.echo(f"{name} → organisation {organisation}")


@app.command("revoke-grant")
def revoke_grant(
    name: str,
    org: Annotated[str, typer.Option("--org", help="组织 ID、统一社会信用代码或名称 / organisation")],
    db: DbOption = None,
) -> None:
    """撤销组织授权 / Take an organisation away from a user."""
    from vats.store.accounts import revoke_grant as do_revoke

    with _session(db) as session:
        organisation_id = _organisation_id(session, org)
        do_revoke(session, name=name, organisation_id=organisation_id)
    typer.echo(f"已撤销 / revoked: {name} ✗ organisation {organisation_id}")


@app.command("token")
def token(
    name: str,
    label: Annotated[str, typer.Option("--name", help="令牌名称 / token label")] = "cli",
    db: DbOption = None,
) -> None:
    """创建 API 令牌（只显示一次）/ Create an API token; it is printed once and stored hashed."""
    from vats.store.accounts import create_token

    with _session(db) as session:
        issued = create_token(session, user=name, name=label)
    typer.echo(issued.secret)


@app.command("list")
def list_users(db: DbOption = None) -> None:
    """列出用户 / List users, their roles and whether they are disabled."""
    from vats.store.accounts import list_users as users

    with _session(db) as session:
        for actor in users(session):
            typer.echo(f"{actor.name}\t{actor.role}" + ("\tdisabled" if actor.disabled else ""))
