"""The server's in-process scheduler sends reminders through the configured channels, once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from vats.api.scheduler import Scheduler
from vats.api.settings import Settings


def test_scheduler_round_notifies_once(
    db_url: str, seed_path: Path, tmp_path: Path, webhook, monkeypatch
) -> None:
    from vats.store.db import make_engine, session_scope, upgrade
    from vats.store.licences import import_licence

    monkeypatch.setenv("VATS_AS_OF", "2026-11-02")
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="t") as s:
        import_licence(s, path=seed_path)
    config = tmp_path / "notify.yaml"
    config.write_text(f"wecom:\n  - url: '{webhook.url}'\n", encoding="utf-8")
    scheduler = Scheduler(engine, Settings(scheduler_checks=False, notify_config=str(config)))
    asyncio.run(scheduler.run_once())
    asyncio.run(scheduler.run_once())
    assert len(webhook.requests) == 1
    assert "渝B2-20210467" in webhook.requests[0].body["markdown"]["content"]
    engine.dispose()
