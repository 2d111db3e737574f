"""提醒与负责人 over real HTTP: a user's channel, default owners feeding 我的待办, the admin's channel setup
with "发送测试消息" reaching a loopback robot, and the refusals (non-admin setup, bad input kept)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vats.api.testing import Server

NUMBER = "渝B2-20210467"


@pytest.fixture
def robot() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            body = b'{"errcode": 0}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=k", received
    finally:
        server.shutdown()
        server.server_close()


def test_owners_channels_and_my_work(web_server: Server, seed_path: Path, robot) -> None:  # type: ignore[no-untyped-def]
    url, received = robot
    with web_server.client("officer") as c, seed_path.open("rb") as fh:
        c.post("/api/v1/licences", files={"document": ("seed.txt", fh, "text/plain")})
    officer, csrf = web_server.login("officer")
    try:
        bad = officer.post(
            "/reminders/me", data={"csrf_token": csrf, "channel": "email", "address": "not-mail"}
        )
        assert bad.status_code == 400 and "接收地址" in bad.text and 'value="not-mail"' in bad.text
        ok = officer.post("/reminders/me", data={"csrf_token": csrf, "channel": "wecom", "address": ""})
        assert ok.status_code == 303
        page = officer.get("/reminders").text
        org = page.split('<select id="d-org"')[1].split('<option value="')[2].split('"')[0]
        owner = officer.post(
            "/reminders/owners",
            data={"csrf_token": csrf, "organisation": org, "owner": "officer", "rule_id": ""},
        )
        assert owner.status_code == 303
        mine = officer.get("/my").text
        assert "经营许可证年报" in mine and "用户个人信息保护年度自查" in mine
        refused = officer.post("/reminders/channels/wecom", data={"csrf_token": csrf, "url": url})
        assert refused.status_code == 403
    finally:
        officer.close()
    with web_server.client("officer") as api:
        items = api.get("/api/v1/obligations", params={"licence": NUMBER, "status": "overdue"}).json()[
            "items"
        ]
    assert items and all(i["owner"] == "officer" for i in items)  # the organisation's default owner

    admin, admin_csrf = web_server.login("admin")
    try:
        bad_url = admin.post("/reminders/channels/wecom", data={"csrf_token": admin_csrf, "url": "ftp://x"})
        assert bad_url.status_code == 400 and "机器人网址" in bad_url.text
        saved = admin.post("/reminders/channels/wecom", data={"csrf_token": admin_csrf, "url": url})
        assert saved.status_code == 303
        tested = admin.post("/reminders/channels/wecom/test", data={"csrf_token": admin_csrf})
        assert tested.status_code == 200 and "测试消息已发送" in tested.text
    finally:
        admin.close()
    assert len(received) == 1 and "测试消息" in received[0]["markdown"]["content"]
