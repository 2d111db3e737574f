"""Where notifications go: SMTP e-mail and the DingTalk / Feishu / WeCom group-robot webhooks.

Each channel turns one `Message` into its provider's documented JSON (or a MIME mail) and raises
`UnavailableError` when the provider refuses it, so the dispatcher can record and retry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from vats.model.errors import UnavailableError

TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Message:
    """A notification: a short title and a Markdown body (plain-text channels get it verbatim)."""

    title: str
    markdown: str


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, message: Message) -> None: ...


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk robot signature: HMAC-SHA256(key=secret, msg="timestamp\\nsecret") → base64 → urlencoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu robot signature: HMAC-SHA256(key="timestamp\\nsecret", msg=b"") → base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _post_json(url: str, body: dict[str, Any], *, ok_key: str) -> None:
    import httpx

    try:
        response = httpx.post(url, json=body, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise UnavailableError(f"webhook unreachable: {type(exc).__name__}", source=_safe(url)) from exc
    if response.status_code >= 400:
        raise UnavailableError(f"webhook answered HTTP {response.status_code}", source=_safe(url))
    try:
        data = response.json()
    except (json.JSONDecodeError, ValueError):
        return  # some gateways answer with an empty body on success
    code = data.get(ok_key, 0) if isinstance(data, dict) else 0
    if code not in (0, None):
        raise UnavailableError(f"webhook refused the message: {ok_key}={code}", source=_safe(url))


def _safe(url: str) -> str:
    """The URL without its query (robot access tokens live there and must not reach logs)."""
    return url.split("?", 1)[0]


@dataclass(frozen=True, slots=True)
class DingTalk:
    url: str
    secret: str | None = None
    name: str = "dingtalk"

    def send(self, message: Message) -> None:
        url = self.url
        if self.secret:
            ts = int(time.time() * 1000)
            sep = "&" if "?" in url else "?"
            url = f"{url}{sep}timestamp={ts}&sign={dingtalk_sign(ts, self.secret)}"
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown}}
        _post_json(url, body, ok_key="errcode")


@dataclass(frozen=True, slots=True)
class Feishu:
    url: str
    secret: str | None = None
    name: str = "feishu"

    def send(self, message: Message) -> None:
        body: dict[str, Any] = {
            "msg_type": "text",
            "content": {"text": f"{message.title}\n{message.markdown}"},
        }
        if self.secret:
            ts = int(time.time())
            body = {"timestamp": str(ts), "sign": feishu_sign(ts, self.secret), **body}
        _post_json(self.url, body, ok_key="code")


@dataclass(frozen=True, slots=True)
class WeCom:
    url: str
    name: str = "wecom"

    def send(self, message: Message) -> None:
        body = {"msgtype": "markdown", "markdown": {"content": f"**{message.title}**\n{message.markdown}"}}
        _post_json(self.url, body, ok_key="errcode")


@dataclass(frozen=True, slots=True)
class Email:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    name: str = "email"

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["Subject"] = message.title
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        mail.set_content(message.markdown, charset="utf-8")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise UnavailableError(f"SMTP delivery failed: {exc}", source=f"{self.host}:{self.port}") from exc
