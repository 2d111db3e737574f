"""Copies about to expire reach the notifier (once, like every notice); revoked or distant ones do not."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from vats.report.notify import collect
from vats.report.notify.copies import COPY_REMINDER_DAYS
from vats.store import copies as store
from vats.store.db import make_engine, session_scope
from vats.store.licences import import_licence

AS_OF = date(2026, 3, 1)


def _copy(session, licence, copy_id: str, until: date):  # type: ignore[no-untyped-def]
    request = store.CopyRequest(licence.number, "华为应用市场", "上架审核使用", until)
    return store.record_copy(
        session,
        request=request,
        licence=licence,
        copy_id=copy_id,
        issued_on=AS_OF,
        revision=1,
        source="rendering",
        source_sm3="0" * 64,
        output_sm3="0" * 64,
        kid="k",
        statement="s",
    )


def test_expiring_copies_are_announced(migrated_url: str, seed_path: Path) -> None:
    engine = make_engine(migrated_url)
    try:
        with session_scope(engine, actor="t") as session:
            licence = import_licence(session, path=seed_path)
            _copy(session, licence, "VC-SOON-AAAA", AS_OF + timedelta(days=COPY_REMINDER_DAYS))
            _copy(session, licence, "VC-LATE-AAAA", AS_OF + timedelta(days=COPY_REMINDER_DAYS + 1))
            _copy(session, licence, "VC-GONE-AAAA", AS_OF + timedelta(days=3))
            store.revoke_copy(session, copy_id="VC-GONE-AAAA")
        with session_scope(engine, actor="t") as session:
            notices = [n for n in collect(session, as_of=AS_OF) if n.key.startswith("copy:")]
        assert [(n.key, n.status) for n in notices] == [("copy:VC-SOON-AAAA", "expiring")]
        assert "华为应用市场" in notices[0].line
    finally:
        engine.dispose()
