"""`vats db upgrade|current`: apply migrations and show where a database stands."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(help="数据库迁移 / Database migrations", no_args_is_help=True, add_completion=False)

DB_OPTION = typer.Option(
    None, "--db", help="数据库 URL / database URL (default: VATS_DATABASE_URL or SQLite)"
)


@app.command("upgrade")
def upgrade_command(db: str | None = DB_OPTION) -> None:
    """升级到最新结构 / Apply every pending migration."""
    from vats.store.db import current, database_url, make_engine, upgrade

    engine = make_engine(database_url(db))
    upgrade(engine)
    heads = ", ".join(current(engine))
    engine.dispose()
    sys.stdout.write(f"数据库已是最新 / database at {heads}\n")


@app.command("current")
def current_command(db: str | None = DB_OPTION) -> None:
    """显示当前版本 / Show the applied revision and whether migrations are pending."""
    from vats.store.db import current, database_url, head_revisions, make_engine

    url = database_url(db)
    engine = make_engine(url)
    at, heads = current(engine), head_revisions(engine)
    engine.dispose()
    shown = ", ".join(at) or "(空 / empty)"
    state = "最新 / up to date" if at == heads else f"待升级 / pending: {', '.join(heads)}"
    sys.stdout.write(f"{shown}  {state}\n")
