"""Engines, sessions and migrations: the one place that knows how vats talks to its database.

SQLite (the default, a file in the user's data directory) gets WAL journaling, enforced foreign keys
and a busy timeout on every connection; PostgreSQL is used through psycopg 3 (`postgresql+psycopg://`).
Stale optimistic-concurrency writes surface as `ConflictError`, unreachable servers as
`UnavailableError`, so the CLI maps them to exit codes 3 and 5.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError as DBIntegrityError
from sqlalchemy.orm import Session

from vats.model.errors import ConflictError, UnavailableError
from vats.store.scope import Scope, bind

ENV_URL = "VATS_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def data_dir() -> Path:
    """`$XDG_DATA_HOME/vats` (default `~/.local/share/vats`)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vats"


def database_url(explicit: str | None = None) -> str:
    """The database to use: `--db` argument > `VATS_DATABASE_URL` > SQLite file in the data dir."""
    url = explicit or os.environ.get(ENV_URL)
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{data_dir() / 'vats.db'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _json(value: Any) -> str:
    """JSON columns as compact UTF-8 text: Chinese stays readable in the database and encoding is
    about twice as fast as escaping every character (bulk loads serialise 100,000 licences)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An Engine for `url` (resolved with `database_url`); SQLite files get their directory created."""
    url = database_url(url)
    kwargs.setdefault("json_serializer", _json)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply every migration (idempotent); `UnavailableError` when the server is unreachable."""
    from alembic import command

    cfg = _alembic_config(engine)
    with _reachable(engine), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


#: Tables another library owns in the same database (the PostgreSQL job queue, revision 0016_jobs).
FOREIGN_TABLE_PREFIXES = ("procrastinate_",)


def owned_by_vats(_obj: Any, name: str | None, type_: str, reflected: bool, _compare_to: Any) -> bool:
    """Alembic `include_object`: compare only vats's own tables (the job queue's are not models)."""
    foreign = bool(name) and str(name).startswith(FOREIGN_TABLE_PREFIXES)
    return not (type_ == "table" and reflected and foreign)


def current(engine: Engine) -> list[str]:
    """The revision(s) the database is at (empty for an unmigrated database).

    Read straight from Alembic's version table: importing Alembic's migration runtime costs about a
    third of a second, more than a warm `vats status` (every database command checks the schema).
    """
    from sqlalchemy import inspect, text

    with _reachable(engine), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return []
        return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def head_revisions(engine: Engine) -> list[str]:
    """The newest revision(s) the code ships."""
    from alembic.script import ScriptDirectory

    return sorted(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())


@contextmanager
def _reachable(engine: Engine) -> Iterator[None]:
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        if engine.dialect.name == "sqlite" and "locked" in str(exc):
            raise
        raise UnavailableError(
            f"数据库不可用 / database unavailable ({engine.url.render_as_string()}): "
            f"{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}"
        ) from None


def require_schema(engine: Engine) -> None:
    """Refuse to read a database vats never set up (instead of failing on a missing table)."""
    if not current(engine):
        raise UnavailableError(
            f"数据库尚未初始化，请先运行 vats db upgrade / {engine.url.render_as_string()} has no vats "
            "tables; run `vats db upgrade` (or import a licence) first"
        )


def default_actor(explicit: str | None = None) -> str:
    """Who a CLI command acts as: `--actor`, else `VATS_ACTOR`, else `cli:<login name>`.

    The one spelling of a command-line person in the audit log, whichever command wrote the entry."""
    if explicit:
        return explicit
    named = os.environ.get("VATS_ACTOR")
    if named:
        return named
    import getpass

    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return f"cli:{login}"


@contextmanager
def cli_session(db: str | None, *, migrate: bool = True, actor: str | None = None) -> Iterator[Session]:
    """What a CLI command uses: resolve `--db`, migrate if needed, one transaction, dispose after."""
    engine = make_engine(database_url(db))
    try:
        if migrate:
            upgrade(engine)
        else:
            require_schema(engine)
        with session_scope(engine, actor=default_actor(actor)) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def session_scope(
    engine: Engine, *, actor: str, organisations: Collection[int] | None = None
) -> Iterator[Session]:
    """A Session that commits on success and rolls back on error; `actor` is written to the audit log
    and `organisations` (None: every one) limit what it reads and writes (`vats.store.scope`).

    A stale versioned write (someone else committed first) becomes `ConflictError` (exit 3).
    """
    from sqlalchemy.orm.exc import StaleDataError

    session = Session(engine, expire_on_commit=False)
    bind(session, Scope.of(actor, organisations))
    try:
        with _reachable(engine):
            yield session
            session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(
            "记录已被他人修改，请重新读取后重试 / the record was changed by someone else since it was read; "
            f"re-read and retry ({exc})"
        ) from None
    except DBIntegrityError as exc:
        session.rollback()
        if _is_unique_violation(exc):
            raise ConflictError(
                f"记录已存在 / a record with the same unique key already exists: {_first_line(exc)}"
            ) from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _first_line(exc: DBIntegrityError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _is_unique_violation(exc: DBIntegrityError) -> bool:
    """Two writers inserting the same key: a conflict to retry, not a crash (SQLite and PostgreSQL)."""
    return getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig)
