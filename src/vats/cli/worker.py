"""`vats worker`: run scheduled and queued jobs from the PostgreSQL job queue (any number, anywhere)."""

from __future__ import annotations

from typing import Annotated

import typer


def worker_command(
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / database URL (PostgreSQL)")] = None,
    queues: Annotated[
        list[str] | None,
        typer.Option(
            "--queues", help="只处理这些队列（default, checks）/ queues to take jobs from (default: all)"
        ),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="并发任务数 / jobs run at once")] = 10,
    name: Annotated[str | None, typer.Option(help="进程名（日志中显示）/ worker name shown in logs")] = None,
    log_level: Annotated[str, typer.Option(help="日志级别 / log level")] = "info",
) -> None:
    """运行后台任务 / Run jobs (site checks, reports, workpacks, list matches, reminders,
    checkpoints) from the queue until stopped.

    SIGINT/SIGTERM let running jobs finish. On SQLite there is no queue: `vats serve` runs the jobs."""
    import logging.config

    from vats.api.middleware import configure_logging
    from vats.api.queue import QUEUES, run_worker
    from vats.model.errors import InputError, UnavailableError
    from vats.store.db import current, database_url, head_revisions, make_engine

    url = database_url(db)
    if not url.startswith("postgresql"):
        raise InputError(
            "后台任务队列需要 PostgreSQL；SQLite 下由 vats serve 运行任务 / "
            "the job queue needs PostgreSQL; on SQLite `vats serve` runs the jobs",
            field="--db",
        )
    unknown = sorted(set(queues or ()) - set(QUEUES))
    if unknown:
        raise InputError(f"未知队列 / unknown queue(s): {', '.join(unknown)}", field="--queues")
    logging.config.dictConfig(configure_logging(log_level))
    engine = make_engine(url)
    at, heads = current(engine), head_revisions(engine)
    engine.dispose()
    if at != heads:  # migrations run once (`vats db upgrade`), never raced by several workers
        raise UnavailableError(
            f"数据库未升级，请先运行 vats db upgrade / database at {', '.join(at) or 'nothing'}, "
            f"code needs {', '.join(heads)}: run `vats db upgrade` first"
        )
    run_worker(url, queues=queues, concurrency=concurrency, name=name)
