"""RFC 9457 problem details: every API error is `application/problem+json` with a stable `type`.

Services raise `VatsError` subclasses (the same ones that give the CLI its exit codes); this module
is the one place that maps them to HTTP status codes, so the CLI and the API always agree on what
counts as bad input, a conflict or a refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from vats.api.deps import Forbidden, NotAuthenticated
from vats.model.errors import (
    ConflictError,
    InputError,
    IntegrityError,
    NotFoundError,
    RefusedError,
    UnavailableError,
    VatsError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:vats:problem:"
log = logging.getLogger("vats.api")


class PreconditionFailed(ConflictError):
    """If-Match named a version that is no longer current (HTTP 412): re-read and retry."""


class PreconditionRequired(InputError):
    """A write to a versioned record came without If-Match or a version field (HTTP 428)."""


class TooManyRequests(RefusedError):
    """Rate limit hit, e.g. repeated failed logins (HTTP 429)."""


# Most specific first: the first isinstance match wins.
STATUS_OF: tuple[tuple[type[VatsError], int, str], ...] = (
    (NotAuthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (TooManyRequests, 429, "too-many-requests"),
    (PreconditionFailed, 412, "precondition-failed"),
    (PreconditionRequired, 428, "precondition-required"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
    (RefusedError, 403, "refused"),
    (UnavailableError, 503, "unavailable"),
    (IntegrityError, 500, "integrity"),
    (InputError, 400, "bad-input"),
    (VatsError, 400, "bad-input"),
)


def status_for(exc: VatsError) -> tuple[int, str]:
    """HTTP status and problem slug for a service error."""
    for cls, status, slug in STATUS_OF:
        if isinstance(exc, cls):
            return status, slug
    return 400, "bad-input"  # pragma: no cover - VatsError row above always matches


def problem(
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build a problem+json response. Extension members (`field`, `errors` …) go in `extra`."""
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{slug}" if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def vats_error_response(request: Request, exc: VatsError) -> JSONResponse:
    """The problem+json for a service error; 401 carries the challenge a client needs."""
    status, slug = status_for(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="vats"'} if status == 401 else None
    return problem(
        status,
        slug=slug,
        title=HTTPStatus(status).phrase,
        detail=exc.describe(),
        instance=request.url.path,
        headers=headers,
        field=exc.field,
        line=exc.line,
        source=exc.source,
    )


# The web UI registers a renderer here so browser pages get HTML errors, not JSON.
HtmlRenderer = Callable[[Request, int, str, str], Awaitable[Response] | Response]


def _wants_html(request: Request) -> bool:
    renderer = getattr(request.app.state, "html_error_renderer", None)
    if renderer is None or request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


async def _maybe_html(request: Request, status: int, slug: str, detail: str) -> Response | None:
    if not _wants_html(request):
        return None
    renderer: HtmlRenderer = request.app.state.html_error_renderer
    result = renderer(request, status, slug, detail)
    if isinstance(result, Response):
        return result
    return await result


def install(app: FastAPI) -> None:
    """Register the handlers on an app (called by `create_app`; router tests may call it too)."""

    async def on_vats_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, VatsError)
        status, slug = status_for(exc)
        html = await _maybe_html(request, status, slug, exc.describe())
        return html or vats_error_response(request, exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
        html = await _maybe_html(request, exc.status_code, "http", detail or "")
        if html is not None:
            return html
        return problem(
            exc.status_code,
            detail=detail,
            instance=request.url.path,
            headers=dict(exc.headers) if exc.headers else None,
        )

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else None
        detail = f"{'.'.join(first['loc'])}: {first['msg']}" if first else "invalid request"
        if first is not None:  # a browser page with a bad query or form value: a 400 page naming it
            name = first["loc"][-1]
            html = await _maybe_html(
                request, 400, "validation", f"参数 {name} 无效 / invalid {name}: {first['msg']}"
            )
            if html is not None:
                return html
        return problem(
            422,
            slug="validation",
            title="Unprocessable Content",
            detail=detail,
            instance=request.url.path,
            errors=errors,
        )

    async def on_out_of_range(request: Request, exc: Exception) -> Response:
        # An id beyond the column's range (SQLite OverflowError, PostgreSQL numeric_value_out_of_range)
        # names a record that cannot exist: that is a 404, not a server fault.
        if isinstance(exc, OverflowError) or _numeric_out_of_range(exc):
            return problem(
                404, slug="not-found", detail="no such record / 记录不存在", instance=request.url.path
            )
        return await on_unexpected(request, exc)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, slug="internal", detail="internal error / 内部错误", instance=request.url.path)

    app.add_exception_handler(VatsError, on_vats_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(OverflowError, on_out_of_range)
    app.add_exception_handler(DataError, on_out_of_range)
    app.add_exception_handler(Exception, on_unexpected)


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    from fastapi.routing import iter_route_contexts

    path = request.scope.get("path", "")
    methods: set[str] = set()
    for ctx in iter_route_contexts(request.app.routes):
        regex = getattr(ctx, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(ctx.methods or ())
    return ", ".join(sorted(methods))


def _numeric_out_of_range(exc: Exception) -> bool:
    """PostgreSQL SQLSTATE 22003 (numeric_value_out_of_range) wrapped by SQLAlchemy."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "22003"
