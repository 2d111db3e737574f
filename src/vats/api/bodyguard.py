"""Request guard in front of every route: authenticate before reading a body, bound bodies, refuse NUL.

Without it an anonymous client could make the server buffer any number of large bodies before a
route's authentication dependency ever runs, and a NUL character (which PostgreSQL text cannot hold)
reached the database as a server error. This middleware

* answers 401 for a route that needs a caller before a byte of its body is read;
* caps each body by route class — `JSON_MAX_BYTES` for JSON and forms, the upload cap for multipart
  — refusing an announced `Content-Length` over the cap at once and stopping a streamed body the
  moment it passes the cap (413 naming the limit);
* refuses NUL in the path, in query parameters and in JSON or form fields (422 naming the field).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote

import anyio
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vats.api.deps import route_roles
from vats.api.problems import problem

JSON_MAX_BYTES = 1024 * 1024
UPLOAD_OVERHEAD = 1024 * 1024  # multipart boundaries and small form fields beside the file
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def upload_max_bytes() -> int:
    """The largest multipart body: the larger of the licence-document and attachment caps, plus framing."""
    from vats.api.settings import MAX_UPLOAD
    from vats.registers.filings.service import max_attachment_bytes

    return max(MAX_UPLOAD, max_attachment_bytes()) + UPLOAD_OVERHEAD


def _nul_field(value: Any, path: str) -> str | None:
    """The dotted path of the first string (or key) holding NUL inside a parsed JSON value."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            if (found := _nul_field(item, where)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_field(item, f"{path}.{index}" if path else str(index))) is not None:
                return found
    return None


def nul_in_query(query_string: bytes) -> str | None:
    """The name of the first query parameter whose name or value holds NUL."""
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "") or "query"
    return None


def nul_in_body(body: bytes, content_type: str) -> str | None:
    """The field of a JSON or urlencoded body holding NUL (unparsable bodies are the route's to judge)."""
    if content_type.startswith("application/json"):
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            found = _nul_field(json.loads(body), "")
        except (ValueError, UnicodeDecodeError):
            return None
        return found or ("body" if b"\x00" in body else None)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return nul_in_query(body)
    return None


class BodyGuardMiddleware:
    """See the module docstring. Pure ASGI, so a refused body is never buffered by Starlette."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: list[tuple[re.Pattern[str], frozenset[str], bool]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if "\x00" in scope.get("path", ""):
            await self._refuse(scope, send, 422, "path", "NUL character in the path / 路径含 NUL 字符")
            return
        if (name := nul_in_query(scope.get("query_string", b""))) is not None:
            detail = f"NUL character in query parameter {name!r} / 查询参数含 NUL 字符"
            await self._refuse(scope, send, 422, name, detail)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        if self._needs_caller(scope) and not await self._authenticated(request):
            await self._unauthenticated(request, send)
            return
        content_type = request.headers.get("content-type", "").lower()
        cap = upload_max_bytes() if content_type.startswith("multipart/") else JSON_MAX_BYTES
        announced = request.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > cap:
            await self._too_large(scope, send, cap)
            return
        if not content_type.startswith("multipart/"):
            await self._buffered(scope, receive, send, cap, content_type)
            return
        await self._streamed(scope, receive, send, cap)

    async def _buffered(
        self, scope: Scope, receive: Receive, send: Send, cap: int, content_type: str
    ) -> None:
        """Small bodies: read up to the cap, check for NUL, then replay to the route."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await self._too_large(scope, send, cap)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if (field := nul_in_body(body, content_type)) is not None:
            detail = f"NUL character in field {field!r} / 字段含 NUL 字符"
            await self._refuse(scope, send, 422, field, detail)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        """Uploads: pass chunks through, counting; past the cap the route sees a disconnect and
        whatever it answers is replaced by the 413."""
        size = 0
        over = False
        started = False

        async def counting() -> Message:
            nonlocal size, over
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > cap:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._too_large(scope, send, cap)

    def _needs_caller(self, scope: Scope) -> bool:
        """Whether the route this request reaches requires authentication (see `route_roles`)."""
        if self._routes is None:
            self._routes = _route_guards(scope.get("app"))
        path, method = scope.get("path", ""), scope["method"]
        return any(
            needs and method in methods and regex.match(path) for regex, methods, needs in self._routes
        )

    async def _authenticated(self, request: Request) -> bool:
        """Whether the request carries valid credentials, resolved off the event loop.

        The principal is deliberately not handed on: the route's own dependency resolves it again
        and applies what comes with it (the X-CSRF-Token check of cookie sessions on the API)."""
        authenticate = getattr(request.app.state, "authenticate", None)
        if authenticate is None:
            return True  # an app without accounts (router tests) decides in its dependencies
        return await anyio.to_thread.run_sync(authenticate, request) is not None

    async def _unauthenticated(self, request: Request, send: Send) -> None:
        from fastapi.responses import RedirectResponse

        api = request.url.path.startswith("/api/")
        if not api and "text/html" in request.headers.get("accept", ""):
            response: Any = RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        else:
            response = problem(
                401,
                slug="unauthenticated",
                detail="authentication required / 需要登录或 API 令牌",
                instance=request.url.path,
                headers={"WWW-Authenticate": 'Bearer realm="vats"', "Connection": "close"},
            )
        await response(request.scope, _no_receive, send)

    async def _too_large(self, scope: Scope, send: Send, cap: int) -> None:
        detail = f"request body larger than {cap} bytes / 请求体超过 {cap} 字节"
        response = problem(
            413,
            slug="too-large",
            detail=detail,
            instance=scope.get("path"),
            headers={"Connection": "close"},
            limit=cap,
        )
        await response(scope, _no_receive, send)

    async def _refuse(self, scope: Scope, send: Send, status: int, field: str, detail: str) -> None:
        response = problem(status, slug="validation", detail=detail, instance=scope.get("path"), field=field)
        await response(scope, _no_receive, send)


def _route_guards(app: Any) -> list[tuple[re.Pattern[str], frozenset[str], bool]]:
    """(path pattern, methods, needs a caller) for every route of the app, read once."""
    from fastapi.routing import iter_route_contexts

    guards = []
    for ctx in iter_route_contexts(getattr(app, "routes", [])):
        dependant = getattr(ctx, "dependant", None)
        regex = getattr(ctx, "path_regex", None)
        if dependant is None or regex is None:
            continue
        guards.append((regex, frozenset(ctx.methods or ()), route_roles(dependant) is not None))
    return guards


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
