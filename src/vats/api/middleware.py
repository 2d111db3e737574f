"""Pure-ASGI middleware (cheaper than BaseHTTPMiddleware): security headers and JSON access logs."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("vats.access")

# No inline scripts or styles anywhere in the UI, so the policy can stay strict.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


STATIC_PREFIX = "/static/"
_FEED_PATH = re.compile(r"^/calendar/[^/]+\.ics$")


def loggable_path(path: str) -> str:
    """The request path as written to the access log: a calendar feed's path is its credential, so
    the secret is replaced."""
    return "/calendar/[redacted].ics" if _FEED_PATH.match(path) else path


class SecurityHeadersMiddleware:
    """CSP, frame-ancestors, nosniff, referrer policy; HSTS when the cookie must be Secure;
    `Cache-Control: no-store` on everything but static assets unless a route chose its own."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        # Pages and API answers carry someone's data: no browser or proxy may keep a copy. Static
        # assets are the same for everyone and keep their validators.
        static = scope["path"].startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if https or self.secure_cookies:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if not static and not any(k.lower() == b"cache-control" for k, _v in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers ingest without a parsing rule."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            data.update(extra)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "info") -> dict[str, Any]:
    """A logging dictConfig (also handed to uvicorn) that writes JSON lines to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "vats": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


class RequestLogMiddleware:
    """Logs method, path, status, duration and actor for every request, as structured fields."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                principal = scope.get("state", {}).get("principal")
                access_log.info(
                    "request",
                    extra={
                        "fields": {
                            "method": scope["method"],
                            "path": loggable_path(scope["path"]),
                            "status": status,
                            "ms": round((time.perf_counter() - start) * 1000, 2),
                            "actor": getattr(principal, "name", None),
                        }
                    },
                )
