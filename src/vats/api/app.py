"""The application factory: one FastAPI app serving the REST API (/api/v1), the web UI (/), the
calendar feeds, health probes and the in-process scheduler.

Every router is imported explicitly below — a missing module is an import error at start-up, not
a silently absent feature.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request

from vats.api import problems
from vats.api.bodyguard import BodyGuardMiddleware
from vats.api.deps import Principal
from vats.api.middleware import RequestLogMiddleware, SecurityHeadersMiddleware
from vats.api.settings import Settings


def _api_routers() -> list[APIRouter]:
    """Every /api/v1 router: this package's (explicit imports) and one per register spec."""
    from vats.api.routes import (
        auditlog,
        checks,
        copies,
        exports,
        jobs,
        licences,
        me,
        obligation_actions,
        obligations,
        organisations,
        scans,
        sheet,
        sites,
    )
    from vats.registers import specs
    from vats.registers.dossiers.api import router as dossiers
    from vats.registers.generic.api import router_for
    from vats.registers.watchlists.api import router as watchlists
    from vats.registers.workpacks.api import router as workpacks

    return [
        me.router,
        organisations.router,
        sheet.router,  # before licences: /licences/sheet/… is not a licence number
        licences.router,
        copies.public,  # before copies.router: /copies/verify is not a copy id
        copies.router,
        obligations.router,
        obligation_actions.router,
        auditlog.router,
        checks.router,
        sites.router,
        exports.router,
        jobs.router,
        scans.router,
        *(router_for(spec) for spec in specs()),
        workpacks,
        watchlists,
        dossiers,
    ]


def _preload() -> None:
    """Load the rules library and the evaluation modules before the first request: every page that
    shows obligations needs them, and loading them (parsing the rule YAML, importing the engine) costs
    more than the dashboard's own queries. Done at start-up, a restarted process answers its first
    request as fast as its hundredth."""
    import importlib

    from sqlalchemy.orm import configure_mappers

    from vats.reference.rules_library import default_library

    default_library()
    for module in PRELOADED:
        importlib.import_module(module)
    configure_mappers()


#: What a page showing obligations imports on first use (see `_preload`).
PRELOADED = (
    "vats.rules.engine",
    "vats.rules.audit",
    "vats.store.decode",
    "vats.store.events",
    "vats.store.licence_filters",
    "vats.store.evaluate",
    "vats.store.status",
    "vats.store.obligation_list",
    "vats.api.obligation_pages",
    "vats.registers.base",
    "vats.report.notify.sites",
)


def create_app(*, database_url: str | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app. The database must already be migrated (`vats db upgrade`, or `vats serve`)."""
    from vats.store.all_models import load_all
    from vats.store.db import database_url as resolve_url
    from vats.store.db import make_engine

    load_all()  # every mapped table, so foreign keys across teams' models resolve

    settings = settings or Settings.from_env()
    engine = make_engine(resolve_url(database_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from vats.api.queue import uses_queue
        from vats.api.scheduler import Scheduler

        # On PostgreSQL the workers run the schedule (once cluster-wide); SQLite keeps it in-process.
        in_process = settings.scheduler and not uses_queue(str(engine.url))
        scheduler = Scheduler(engine, settings) if in_process else None
        if scheduler is not None:
            scheduler.start()
        await asyncio.to_thread(_preload)
        try:
            yield
        finally:
            if scheduler is not None:
                await scheduler.stop()
            engine.dispose()

    app = FastAPI(
        title="vats",
        version="1",
        description="增值电信业务合规运营 API / Compliance operations for VATS licence holders",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's docs page loads its script from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.authenticate = _authenticator(engine)
    problems.install(app)
    app.add_middleware(BodyGuardMiddleware)  # innermost: its refusals still get headers and a log line
    app.add_middleware(SecurityHeadersMiddleware, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestLogMiddleware)

    api = APIRouter(prefix="/api/v1")
    for router in _api_routers():
        api.include_router(router)
    app.include_router(api)

    from vats.api.routes import feeds, health, wellknown
    from vats.web import routes as web

    app.include_router(health.router)
    app.include_router(feeds.router)
    app.include_router(wellknown.router)
    web.install(app)
    _publish_roles(app)
    return app


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "urn:vats:problem:<slug> or about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def _publish_roles(app: FastAPI) -> None:
    """Document each operation's roles (`x-required-roles`) and the bearer scheme in the OpenAPI."""
    from vats.api.deps import route_table

    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            roles = {(m.lower(), path): r for m, path, r in route_table(app)}
            problem_ref = {"$ref": "#/components/schemas/Problem"}
            problem_response = {
                "description": "RFC 9457 problem details",
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    admitted = roles.get((method, path))
                    operation["x-required-roles"] = [r.value for r in admitted] if admitted else []
                    if admitted:
                        operation["security"] = [{"bearer": []}]
                    responses = operation.setdefault("responses", {})
                    if "422" in responses:
                        responses["422"] = problem_response
                    responses.setdefault("default", problem_response)
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
                "type": "http",
                "scheme": "bearer",
                "description": "API token from `vats user token NAME` or POST /api/v1/me/tokens",
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _authenticator(engine: Any) -> Any:
    """Resolve a request to a Principal: `Authorization: Bearer <token>` first, then the session cookie."""
    from sqlalchemy.orm import Session

    from vats.api import accounts
    from vats.api.settings import SESSION_COOKIE

    def authenticate(request: Request) -> Principal | None:
        header = request.headers.get("authorization", "")
        cookie = request.cookies.get(SESSION_COOKIE)
        if not header and not cookie:
            return None
        with Session(engine) as session:
            if header.lower().startswith("bearer "):
                return accounts.principal_from_token(session, header[7:].strip())
            if cookie:
                found = accounts.web_session(session, cookie)
                if found is not None:
                    request.state.csrf_token = found[1]
                    return found[0]
        return None

    return authenticate


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (several workers): reads VATS_DATABASE_URL. With
    VATS_PDF_PREWARM=1 (`vats serve` sets it) each worker warms the PDF renderer in the background."""
    app = create_app(database_url=os.environ.get("VATS_DATABASE_URL"))
    if os.environ.get("VATS_PDF_PREWARM", "0").strip().lower() in {"1", "true", "yes", "on"}:
        from vats.report.warmup import start_pdf_warmup

        start_pdf_warmup()
    return app
