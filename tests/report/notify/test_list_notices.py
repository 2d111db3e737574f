"""A regulator-list hit reaches the configured channels once: re-importing the list, or the next
notifier run, sends nothing more; a handled (closed) finding is not announced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from vats.registers.watchlists import service
from vats.report.notify import collect, deliver
from vats.report.notify.channels import Message
from vats.store.db import make_engine, session_scope
from vats.store.licences import import_licence
from vats.store.models import LicenceRecord

LIST = "经营者名称,许可证编号,列入事由\n某公司,渝B2-20210467,未按时报送年报\n".encode()


@dataclass
class Recorder:
    name: str = "recorder"
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)


def _list_keys(session) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.key for n in collect(session, as_of=date(2026, 12, 3)) if n.key.startswith("list-finding:")]


def test_list_hit_is_announced_once(migrated_url: str, seed_path: Path) -> None:
    engine = make_engine(migrated_url)
    channel = Recorder()
    try:
        with session_scope(engine, actor="t") as s:
            import_licence(s, path=seed_path)
            org = s.scalar(select(LicenceRecord.organisation_id))
            service.import_list(s, organisation_id=org, kind="bad", data=LIST, filename="l.csv", actor="t")
        for _ in range(2):
            with session_scope(engine, actor="t") as s:
                keys = set(_list_keys(s))
                deliver(s, [n for n in collect(s, as_of=date(2026, 12, 3)) if n.key in keys], (channel,))
            with session_scope(engine, actor="t") as s:
                again = service.import_list(s, organisation_id=org, kind="bad", data=LIST, filename="l.csv",
                                            actor="t")  # fmt: skip
                assert again.new_findings == ()
        assert len(channel.sent) == 1 and "渝B2-20210467" in channel.sent[0].markdown
        assert "未按时报送年报" in channel.sent[0].markdown
        with session_scope(engine, actor="t") as s:
            (finding,) = service.list_findings(s)
            service.update_finding(s, finding_id=finding.id, status="closed")
        with session_scope(engine, actor="t") as s:
            assert _list_keys(s) == []
    finally:
        engine.dispose()
