"""A small virtual-host HTTP server on 127.0.0.1 serving made-up homepages.

Tests, the benchmark and demos check real domains (dongchedi.com …) against it through
`--resolve HOST:80:127.0.0.1:PORT`: the `Host` header selects the site, so one server plays a whole
fleet. It is a real socket server (no mocked transport), threaded, HTTP/1.1 with keep-alive.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """How one virtual host answers `/`: a page, a redirect, a slow or flaky server, or a huge body."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # redirect target (status 301/302 …)
    delay: float = 0.0  # seconds to wait before answering
    fail_times: int = 0  # answer 500 this many times first
    size: int | None = None  # stream this many bytes of filler (the body is sent first)
    encoding: str | None = None  # Content-Encoding header sent with `body` as given (already encoded)
    endless: bool = False  # chunked transfer that never ends (the body repeated until the client leaves)
    drip: float = 0.0  # seconds between single bytes of the body (a slow-drip server)
    hits: int = field(default=0, init=False)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging (tests and benchmarks would drown in it)."""

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        route = self.server.routes.get(host)
        self.server.user_agents.append(self.headers.get("User-Agent") or "")
        if route is None:
            return self._send(404, b"no such site", "text/plain")
        with self.server.lock:
            route.hits += 1
            hit = route.hits
        if route.delay:
            time.sleep(route.delay)
        if hit <= route.fail_times:
            return self._send(500, b"temporary failure", "text/plain")
        if route.location:
            self.send_response(route.status)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if route.size:
            return self._stream(route)
        if route.endless or route.drip:
            return self._hostile(route)
        return self._send(route.status, route.body, route.content_type, route.encoding)

    def _send(self, status: int, body: bytes, ctype: str, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, route: Route) -> None:
        assert route.size is not None
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(route.size))
        self.end_headers()
        filler = b"<p>" + b"x" * 65_530 + b"</p>\n"
        try:
            self.wfile.write(route.body)
            sent = len(route.body)
            while sent < route.size:
                chunk = filler[: route.size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading at its cap: expected

    def _hostile(self, route: Route) -> None:
        """Chunked forever, or one byte per `drip` seconds: until the client hangs up."""
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.encoding:
            self.send_header("Content-Encoding", route.encoding)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        piece = route.body or b"x"
        try:
            while True:
                if route.drip:
                    for byte in piece:
                        time.sleep(route.drip)
                        self.wfile.write(b"1\r\n" + bytes([byte]) + b"\r\n")
                        self.wfile.flush()
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        except (BrokenPipeError, ConnectionResetError):
            return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, routes: Mapping[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes)
        self.lock = threading.Lock()
        self.user_agents: list[str] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-response (the crawler's body cap) is expected, not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FixtureServer:
    """`with FixtureServer({"example.com": Route(b"…")}) as srv: srv.resolve_args()`."""

    def __init__(self, routes: Mapping[str, Route], *, tls: ssl.SSLContext | None = None) -> None:
        self._server = _Server(routes)
        if tls is not None:  # an HTTPS server: every accepted connection does the TLS handshake
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.closed_port = free_port()  # nothing listens here: HTTPS attempts are refused

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def user_agents(self) -> list[str]:
        return self._server.user_agents

    def resolve_args(self, hosts: list[str] | None = None) -> list[str]:
        """`--resolve` values mapping every host's port 80 here and port 443 to a closed port."""
        out: list[str] = []
        for host in hosts if hosts is not None else list(self._server.routes):
            out += [f"{host}:80:127.0.0.1:{self.port}", f"{host}:443:127.0.0.1:{self.closed_port}"]
        return out

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
