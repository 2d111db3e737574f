"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers and is
at the schema this code ships, so a load balancer keeps traffic off a process ahead of its database)."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from vats.api.problems import problem

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness probe")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@cache
def _heads(url: str, engine: Engine) -> tuple[str, ...]:
    """The code's migration heads: read once per process (they change only with a new release)."""
    from vats.store.db import head_revisions

    return tuple(head_revisions(engine))


@router.get("/readyz", summary="Readiness probe (database reachable and migrated)", response_model=None)
def readyz(request: Request) -> dict[str, str] | JSONResponse:
    from vats.store.db import current

    engine: Engine = request.app.state.engine
    try:
        at = tuple(current(engine))
    except Exception as exc:  # any driver error means "not ready"
        return problem(503, slug="unavailable", detail=f"database unavailable: {type(exc).__name__}")
    heads = _heads(str(engine.url), engine)
    if at != heads:
        return problem(
            503,
            slug="unavailable",
            detail=f"database schema at {', '.join(at) or 'nothing'}, code needs {', '.join(heads)}",
        )
    return {"status": "ready"}
