"""Real local receivers for notification tests: an SMTP server (aiosmtpd) and an HTTP webhook
endpoint on 127.0.0.1 that records each request and answers like the chosen provider."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    body: dict[str, Any]


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "code": 0})
    status: int = 200


@pytest.fixture
def webhook() -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            receiver.requests.append(Received(self.path, json.loads(self.rfile.read(length))))
            payload = json.dumps(receiver.reply).encode()
            self.send_response(receiver.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t0k"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Any] = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(host="127.0.0.1", port=port)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
