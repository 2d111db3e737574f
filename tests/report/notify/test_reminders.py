"""Staged reminders end to end: a fake clock (the job's as-of date) walks 60 days over a portfolio on
SQLite and PostgreSQL; a local SMTP server and a loopback webhook receiver count what arrives. Exactly
one message per stage per obligation, nothing on rest days, nothing after completion, nothing twice
after a restart or with two processes running the job at once."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vats.api import jobs
from vats.api.accounts import create_user
from vats.reference.examples import __file__ as examples_init
from vats.report.notify import reminders
from vats.rules.calendar import default_calendar
from vats.store.db import make_engine, session_scope, upgrade
from vats.store.licences import import_licence
from vats.store.models import LicenceRecord

NUMBER = "渝B2-20210467"
START = date(2026, 3, 1)
DAYS = 60
COMPLETE_PI_ON = date(2026, 3, 16)  # the overdue PI self-inspection [2025] is done mid-walk


def test_stage_of_respects_working_days() -> None:
    cal = default_calendar()
    due = date(2026, 3, 31)  # a Tuesday
    # 03-01 is a Sunday; the working day before it is Saturday 02-28, a make-up day after Spring Festival
    assert stage_of(date(2026, 2, 27)) is None
    assert stage_of(date(2026, 2, 28)) == "d-30@2026-03-31"
    assert stage_of(date(2026, 3, 7)) is None  # an ordinary Saturday: nothing is sent
    assert reminders.stage_of(due, date(2026, 3, 24), cal) == "d-7@2026-03-31"
    assert reminders.stage_of(due, date(2026, 3, 31), cal) == "due@2026-03-31"
    assert reminders.stage_of(due, date(2026, 4, 7), cal) == "w+1@2026-03-31"
    assert reminders.stage_label("w+2@2026-03-31") == "已逾期第 2 周"


def stage_of(day: date) -> str | None:
    return reminders.stage_of(date(2026, 3, 31), day, default_calendar())


def _portfolio(db_url: str, seed_path: Path, mailbox: Any, webhook: Any) -> None:
    from vats.registers.workspace.models import ReminderChannel, ReminderSetting
    from vats.registers.workspace.service import set_default_owner
    from vats.store.models import Actor

    examples = Path(examples_init).parent
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine, actor="setup") as s:
        for path in (seed_path, examples / "beijing_icp_edi.txt", examples / "chongqing_expiring_soon.txt"):
            import_licence(s, path=path)
        li = create_user(s, name="li", role="admin", password="correct horse battery")
        wang = create_user(s, name="wang", role="admin", password="correct horse battery")
        s.flush()
        orgs = sorted({o for o in s.scalars(select(LicenceRecord.organisation_id)) if o is not None})
        for i, org in enumerate(orgs):
            set_default_owner(s, organisation_id=org, owner="li" if i == 0 else "wang")
        s.add(
            ReminderSetting(
                channel="email",
                config={"host": mailbox.host, "port": mailbox.port, "sender": "vats@example.cn"},
            )
        )
        s.add(ReminderSetting(channel="wecom", config={"url": webhook.url}))
        ids = {a.name: a.id for a in s.scalars(select(Actor).where(Actor.name.in_(["li", "wang"])))}
        s.add(ReminderChannel(actor_id=ids["li"], channel="email", address="li@example.cn"))
        s.add(ReminderChannel(actor_id=ids["wang"], channel="wecom", address=""))
        assert li is not None and wang is not None
    engine.dispose()


def _two_processes(db_url: str, day: date) -> None:
    code = (
        "from datetime import date; from vats.api import jobs; from vats.store.db import make_engine;"
        f"jobs.send_reminders(make_engine({db_url!r}), as_of=date.fromisoformat({day.isoformat()!r}))"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode(errors="replace")


def _messages(mailbox: Any, webhook: Any) -> list[tuple[str, str]]:
    """(obligation id, title) of everything received so far, by either channel."""
    out = []
    for m in mailbox.messages:
        body = m.get_body(preferencelist=("plain",)).get_content()
        out.append((re.search(r"/obligations/(ob-[0-9a-f]+)", body).group(1), str(m["subject"])))  # type: ignore[union-attr]
    for r in webhook.requests:
        text = r.body["markdown"]["content"]
        out.append((re.search(r"/obligations/(ob-[0-9a-f]+)", text).group(1), text.splitlines()[0]))  # type: ignore[union-attr]
    return out


def test_sixty_days_of_reminders(
    db_url: str, seed_path: Path, smtp_server: Any, webhook: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vats.api import views
    from vats.api.deps import Principal, Role
    from vats.registers.workspace import service

    _portfolio(db_url, seed_path, smtp_server, webhook)
    cal = default_calendar()
    received_on: dict[date, int] = {}
    pi_id = None
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        monkeypatch.setenv("VATS_AS_OF", day.isoformat())
        before = len(_messages(smtp_server, webhook))
        if day == COMPLETE_PI_ON:
            engine = make_engine(db_url)
            with session_scope(engine, actor="li") as s:
                p = views.portfolio(s, Principal("li", Role.ADMIN), as_of=day)
                pi = next(
                    o
                    for o in p.obligations
                    if o.licence == NUMBER and o.rule_id == "privacy.self_inspection" and o.subject == "2025"
                )
                target = service.Target.of(pi, p.organisation_of[NUMBER])
                service.complete(s, target=target, done_on=day)
                pi_id = target.id
            engine.dispose()
        if day in (date(2026, 3, 24), date(2026, 3, 31)):
            _two_processes(db_url, day)  # two server processes at once
        engine = make_engine(db_url)
        jobs.send_reminders(engine, as_of=day)
        engine.dispose()
        restarted = make_engine(db_url)  # a restart the same day sends nothing new
        again = jobs.send_reminders(restarted, as_of=day)
        restarted.dispose()
        assert again.sent == []
        received_on[day] = len(_messages(smtp_server, webhook)) - before

    messages = _messages(smtp_server, webhook)
    assert messages and smtp_server.messages and webhook.requests  # both channels carried reminders
    assert all(n == 0 for day, n in received_on.items() if not cal.is_working_day(day))
    counts = Counter(messages)
    assert max(counts.values()) == 1  # one message per (obligation, stage)

    engine = make_engine(db_url)
    with session_scope(engine, actor="test") as s:
        from vats.registers.workspace.models import ReminderSent

        rows = list(s.scalars(select(ReminderSent)))
        p = views.portfolio(s, Principal("t", Role.ADMIN), as_of=START)
        report = next(
            o
            for o in p.obligations
            if o.licence == NUMBER and o.rule_id == "licence.annual_report" and o.subject == "2025"
        )
        report_id = service.Target.of(report, None).id
    engine.dispose()
    assert len(rows) == len(messages) and all(r.error is None for r in rows)
    stages = sorted(
        (r.stage.split("@")[0] for r in rows if r.obligation_id == report_id),
        key=["d-30", "d-7", "d-1", "due", "w+1", "w+2", "w+3", "w+4"].index,
    )
    assert stages == ["d-30", "d-7", "d-1", "due", "w+1", "w+2", "w+3", "w+4"]
    pi_rows = [r for r in rows if r.obligation_id == pi_id]
    assert pi_rows and all(r.sent_at is not None for r in pi_rows)
    pi_titles = [t for i, t in messages if i == pi_id]
    assert len(pi_titles) == len(pi_rows)
    # none after completion: the PI duty's weekly reminders stop on the day it was done
    weeks = sorted(int(r.stage.split("@")[0][2:]) for r in pi_rows)
    last_week_day = date(2025, 12, 31) + timedelta(days=7 * weeks[-1])
    assert last_week_day < COMPLETE_PI_ON
