"""`vats serve` migrates the database, serves health probes and logs JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from vats.api.testing import free_port


def test_serve_migrates_answers_probes_and_logs_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    port = free_port()
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-m", "vats.cli.main", "serve", "--port", str(port), "--db", db, "--no-scheduler"]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            assert process.poll() is None, log.read_text()
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json() == {"status": "ready"}
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines, log.read_text()
    records = [json.loads(line) for line in lines]
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records)


def test_serve_refuses_a_malformed_trusted_proxies_setting(tmp_path: Path) -> None:
    import os

    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {**os.environ, "VATS_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}
    cmd = [sys.executable, "-m", "vats.cli.main", "serve", "--port", str(free_port()), "--db", db]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "VATS_TRUSTED_PROXIES" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "fresh.db").exists()
