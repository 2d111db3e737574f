"""`vats serve`: migrate the database, then run the web UI and REST API under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer


def serve_command(
    host: Annotated[str, typer.Option(help="监听地址 / address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / database URL")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="进程数 / worker processes")] = 1,
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="进程内定时任务 / in-process scheduled jobs")
    ] = True,
    log_level: Annotated[str, typer.Option(help="日志级别 / log level")] = "info",
) -> None:
    """启动网页与 API / Run the web UI and REST API (JSON logs on stderr)."""
    import uvicorn

    from vats.api.middleware import configure_logging
    from vats.api.settings import proxy_options
    from vats.store.db import database_url, make_engine, upgrade

    proxy_headers, forwarded_allow_ips = proxy_options()  # a bad setting stops here, before migrating
    url = database_url(db)
    engine = make_engine(url)
    upgrade(engine)  # once, before workers start: they must not race on migrations
    engine.dispose()
    os.environ["VATS_DATABASE_URL"] = url
    # On SQLite only one process may run the in-process schedule: it runs with one worker, or when
    # forced on by env. On PostgreSQL `vats worker` runs it (see vats.api.queue) and serve never does.
    os.environ.setdefault("VATS_SCHEDULER", "1" if scheduler and workers == 1 else "0")
    # Each worker imports the PDF renderer and loads the CJK font in the background at start-up.
    os.environ.setdefault("VATS_PDF_PREWARM", "1")
    uvicorn.run(
        "vats.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=configure_logging(log_level),
        access_log=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        timeout_keep_alive=75,  # outlive client and proxy idle pools, so a reused connection is never cut
        timeout_graceful_shutdown=30,  # SIGTERM: stop accepting, let in-flight requests finish
    )
