"""`/readyz` answers ready only for a reachable database at the code's migration heads."""

from __future__ import annotations

from alembic import command
from fastapi.testclient import TestClient

from vats.api.app import create_app
from vats.api.settings import Settings
from vats.store.db import _alembic_config, make_engine, upgrade


def test_readyz_follows_migration_state(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    app = create_app(database_url=db_url, settings=Settings(scheduler=False))
    with TestClient(app) as client:
        assert client.get("/readyz").json() == {"status": "ready"}
        cfg = _alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011_auditlog")
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert "0011_auditlog" in behind.json()["detail"]
        upgrade(engine)
        assert client.get("/readyz").status_code == 200
    engine.dispose()
