"""Channel payloads and signatures, delivered to real local receivers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vats.model.errors import UnavailableError
from vats.report.notify.channels import (
    DingTalk,
    Email,
    Feishu,
    Message,
    WeCom,
    dingtalk_sign,
    feishu_sign,
)

MSG = Message(title="vats 提醒", markdown="- **已逾期** 渝B2-20210467 年报")


def test_dingtalk_signature_matches_documented_recipe() -> None:
    # Recomputed independently from DingTalk's documented steps.
    ts, secret = 1700000000000, "SECabc"
    raw = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert urllib.parse.unquote_plus(dingtalk_sign(ts, secret)) == base64.b64encode(raw).decode()


@given(st.integers(min_value=0, max_value=2**40), st.text(min_size=1, max_size=40))
def test_feishu_signature_is_hmac_of_empty_message(ts: int, secret: str) -> None:
    expected = hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
    assert base64.b64decode(feishu_sign(ts, secret)) == expected


def test_dingtalk_markdown_signed(webhook) -> None:
    DingTalk(url=webhook.url, secret="SECxyz").send(MSG)
    (req,) = webhook.requests
    assert req.body == {"msgtype": "markdown", "markdown": {"title": MSG.title, "text": MSG.markdown}}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(req.path).query)
    ts = int(query["timestamp"][0])
    assert query["access_token"] == ["t0k"]
    assert urllib.parse.quote_plus(query["sign"][0]) == dingtalk_sign(ts, "SECxyz")


def test_feishu_text_signed(webhook) -> None:
    Feishu(url=webhook.url, secret="s3").send(MSG)
    body = webhook.requests[0].body
    assert body["msg_type"] == "text"
    assert MSG.markdown in body["content"]["text"]
    assert body["sign"] == feishu_sign(int(body["timestamp"]), "s3")


def test_wecom_markdown_unsigned(webhook) -> None:
    WeCom(url=webhook.url).send(MSG)
    req = webhook.requests[0]
    assert req.body["msgtype"] == "markdown"
    assert MSG.markdown in req.body["markdown"]["content"]
    assert "sign" not in req.path


def test_provider_refusal_is_unavailable(webhook) -> None:
    webhook.reply = {"errcode": 310000, "errmsg": "sign not match"}
    with pytest.raises(UnavailableError, match="errcode=310000"):
        DingTalk(url=webhook.url, secret="bad").send(MSG)


def test_http_error_is_unavailable_and_hides_token(webhook) -> None:
    webhook.status = 500
    with pytest.raises(UnavailableError) as info:
        WeCom(url=webhook.url).send(MSG)
    assert "t0k" not in str(info.value)


def test_email_delivered_to_local_smtp(smtp_server) -> None:
    Email(
        host=smtp_server.host, port=smtp_server.port, sender="vats@example.cn", recipients=("ops@example.cn",)
    ).send(MSG)
    (mail,) = smtp_server.messages
    assert mail["Subject"] == MSG.title
    assert "渝B2-20210467" in mail.get_content()


def test_email_unreachable_server_is_unavailable() -> None:
    with pytest.raises(UnavailableError):
        Email(host="127.0.0.1", port=1, sender="a@b.cn", recipients=("c@d.cn",)).send(MSG)
