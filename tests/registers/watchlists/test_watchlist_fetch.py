"""A user-given URL is fetched through the crawler: a public page is read like a saved one, while an
address the SSRF guard refuses (here loopback, unless the operator allowed private addresses) is a
4xx naming the `url` field, and nothing is fetched for a non-HTTP URL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vats.checks.net import NetPolicy
from vats.model.errors import InputError
from vats.registers.watchlists import service

PAGE = "<html><body><table><tr><th>企业名称</th><th>许可证编号</th></tr>" \
       "<tr><td>某公司</td><td>京B2-20990001</td></tr></table></body></html>".encode()  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/list"
    server.shutdown()
    server.server_close()


def test_public_page_is_read_like_a_saved_one(page_url: str) -> None:
    data, name = service.fetch_list(page_url, policy=NetPolicy(allow_private=True))
    assert name == "127.0.0.1.html"
    preview = service.preview_list(data=data, filename=name)
    assert preview.rows == 1 and preview.sample[0].licence == "京B2-20990001"


def test_guard_refuses_private_addresses(page_url: str) -> None:
    with pytest.raises(InputError) as refused:
        service.fetch_list(page_url, policy=NetPolicy())
    assert refused.value.field == "url" and "内部地址" in refused.value.message
    with pytest.raises(InputError) as scheme:
        service.fetch_list("file:///etc/passwd", policy=NetPolicy(allow_private=True))
    assert scheme.value.field == "url"
