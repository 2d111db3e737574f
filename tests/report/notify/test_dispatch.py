"""The dispatcher on a real database: one message per state change, never a storm."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from vats.model.errors import InputError
from vats.report.notify import Notice, deliver, dispatch
from vats.report.notify.channels import Email, Message, WeCom
from vats.report.notify.config import NotifyConfig, load_config, parse_config


@pytest.fixture
def engine(db_url: str):
    from vats.store.db import make_engine, upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def _session(engine):
    from vats.store.db import session_scope

    return session_scope(engine, actor="test")


def test_first_run_sends_once_second_run_sends_nothing(engine, seed_path: Path, webhook, smtp_server) -> None:
    from vats.store.licences import import_licence
    from vats.store.web import NotificationLog

    with _session(engine) as s:
        import_licence(s, path=seed_path)
    config = NotifyConfig(
        channels=(
            WeCom(url=webhook.url),
            Email(host=smtp_server.host, port=smtp_server.port, sender="v@x.cn", recipients=("o@x.cn",)),
        )
    )
    as_of = date(2026, 11, 2)
    with _session(engine) as s:
        first = dispatch(s, as_of=as_of, config=config)
    assert first.sent and not first.errors
    assert len(webhook.requests) == 1 and len(smtp_server.messages) == 1
    assert "渝B2-20210467" in webhook.requests[0].body["markdown"]["content"]
    with _session(engine) as s:
        again = dispatch(s, as_of=as_of, config=config)
        logged = s.scalars(select(NotificationLog)).all()
    assert again.sent == [] and again.skipped == len(first.sent)
    assert len(webhook.requests) == 1 and len(smtp_server.messages) == 1
    assert {(r.subject_key, r.status) for r in logged} == {(n.key, n.status) for n in first.sent}
    assert all(r.channels == "email,wecom" for r in logged)


class Flaky:
    """A channel that fails until told otherwise (records what it was asked to send)."""

    name = "flaky"

    def __init__(self) -> None:
        self.fail = True
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        if self.fail:
            raise OSError("down")
        self.sent.append(message)


def test_failed_channel_is_retried_without_resending_to_the_others(engine, webhook) -> None:
    flaky = Flaky()
    channels = (WeCom(url=webhook.url), flaky)
    notices = [Notice(key="L|rule|", status="overdue", line="- overdue")]
    with _session(engine) as s:
        report = deliver(s, notices, channels)
    assert report.sent == [] and report.errors and len(webhook.requests) == 1
    flaky.fail = False
    with _session(engine) as s:
        report = deliver(s, notices, channels)
    assert report.sent == notices
    assert len(webhook.requests) == 1 and len(flaky.sent) == 1  # wecom not sent twice


def test_a_new_status_is_a_new_notice(engine, webhook) -> None:
    channels = (WeCom(url=webhook.url),)
    with _session(engine) as s:
        deliver(s, [Notice(key="k", status="due_soon", line="- soon")], channels)
    with _session(engine) as s:
        report = deliver(s, [Notice(key="k", status="overdue", line="- late")], channels)
    assert len(report.sent) == 1 and len(webhook.requests) == 2


def test_many_notices_make_one_capped_message(engine, webhook) -> None:
    notices = [Notice(key=f"k{i}", status="overdue", line=f"- item {i}") for i in range(120)]
    with _session(engine) as s:
        deliver(s, notices, (WeCom(url=webhook.url),))
    (req,) = webhook.requests
    content = req.body["markdown"]["content"]
    assert "item 49" in content and "item 50" not in content and "70" in content


def test_config_rejects_unknown_keys_and_missing_fields(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown keys: slack"):
        parse_config({"slack": []})
    with pytest.raises(InputError, match="url"):
        parse_config({"wecom": [{}]})
    path = tmp_path / "notify.yaml"
    path.write_text(
        "dingtalk:\n  - {url: 'http://127.0.0.1:1/x', secret: s}\n"
        "email: {host: h, sender: a@b.cn, recipients: c@d.cn}\n"
    )
    config = load_config(path)
    assert [c.name for c in config.channels] == ["email", "dingtalk"]
    assert load_config(None).channels == ()
