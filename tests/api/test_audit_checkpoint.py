"""The server emits a signed audit checkpoint by itself once a day (file + webhook to a second party),
and publishes its public keys at /.well-known/vats-keys.json without login."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vats.api.scheduler import Scheduler
from vats.api.settings import Settings
from vats.api.testing import running_server


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VATS_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("VATS_KEY_PASSPHRASE", "server passphrase")
    monkeypatch.delenv("VATS_KEY_FILE", raising=False)
    return tmp_path / "keys"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[Any]]]:
    received: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/witness", received
    finally:
        server.shutdown()
        server.server_close()


def test_daily_checkpoint_once_a_day_to_file_and_webhook(
    db_url: str, tmp_path: Path, keys: Path, receiver: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vats.model import checkpoint as cpm
    from vats.model.keyring import Keyring
    from vats.store.auditproof import check_checkpoint
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.organisations import add_organisation

    monkeypatch.setenv("VATS_AS_OF", "2026-12-03")
    url, received = receiver
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        add_organisation(s, name="甲公司", region="CQ")
    out = tmp_path / "witness"
    settings = Settings(scheduler_checks=False, checkpoint_dir=str(out), checkpoint_webhook=url)
    scheduler = Scheduler(engine, settings)
    asyncio.run(scheduler.run_once())
    asyncio.run(scheduler.run_once())
    (written,) = sorted(out.iterdir())
    assert written.name == "vats-checkpoint-2026-12-03.json"
    document = json.loads(written.read_text())
    assert received == [document] and document["size"] == 1
    with session_scope(engine, actor="t") as s:
        assert check_checkpoint(s, cpm.parse(document), keys=Keyring().public_keys()).ok
    engine.dispose()


def test_public_keys_are_published_without_login(sqlite_url: str, tmp_path: Path, keys: Path) -> None:
    from vats.model.keyring import Keyring

    Keyring().sign(b"make the first key")
    env = {"VATS_KEY_DIR": str(keys), "VATS_KEY_PASSPHRASE": "server passphrase"}
    with running_server(sqlite_url, tmp_path, env=env) as server, server.client() as client:
        response = client.get("/.well-known/vats-keys.json")
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["alg"] == "SM2-SM3" and key["signer_id"] == "1234567812345678"
    assert "private" not in response.text and "sealed" not in response.text
    assert key == Keyring().published()["keys"][0]
