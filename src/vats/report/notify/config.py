"""The notification channels, read from a YAML file (`VATS_NOTIFY_CONFIG`).

Example::

    email: {host: smtp.example.cn, port: 25, sender: vats@example.cn, recipients: [ops@example.cn]}
    dingtalk: [{url: "https://oapi.dingtalk.com/robot/send?access_token=…", secret: SEC…}]
    feishu: [{url: "https://open.feishu.cn/open-apis/bot/v2/hook/…", secret: …}]
    wecom: [{url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}]
    due_soon_days: 30
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vats.model.errors import InputError
from vats.report.notify.channels import Channel, DingTalk, Email, Feishu, WeCom

KNOWN_KEYS = {"email", "dingtalk", "feishu", "wecom"}


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    channels: tuple[Channel, ...] = ()


def _require(entry: Any, key: str, where: str) -> Any:
    if not isinstance(entry, dict) or key not in entry:
        raise InputError(f"missing {key!r}", source=where, field=key)
    return entry[key]


def parse_config(data: Any, *, source: str = "<notify config>") -> NotifyConfig:
    """Validate a loaded YAML mapping; unknown keys are errors (a typo must not silence alerts)."""
    if data is None:
        return NotifyConfig()
    if not isinstance(data, dict):
        raise InputError("notification config must be a mapping", source=source)
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise InputError(f"unknown keys: {', '.join(sorted(unknown))}", source=source)
    channels: list[Channel] = []
    if "email" in data:
        e = data["email"]
        recipients = _require(e, "recipients", source)
        channels.append(
            Email(
                host=str(_require(e, "host", source)),
                port=int(e.get("port", 25)),
                sender=str(_require(e, "sender", source)),
                recipients=tuple(
                    str(r) for r in (recipients if isinstance(recipients, list) else [recipients])
                ),
                username=e.get("username"),
                password=e.get("password"),
                starttls=bool(e.get("starttls", False)),
            )
        )
    for entry in data.get("dingtalk", []) or []:
        channels.append(DingTalk(url=str(_require(entry, "url", source)), secret=entry.get("secret")))
    for entry in data.get("feishu", []) or []:
        channels.append(Feishu(url=str(_require(entry, "url", source)), secret=entry.get("secret")))
    for entry in data.get("wecom", []) or []:
        channels.append(WeCom(url=str(_require(entry, "url", source))))
    return NotifyConfig(channels=tuple(channels))


def load_config(path: str | Path | None) -> NotifyConfig:
    """The channels configured in a YAML file; no file means no channels (nothing is sent)."""
    if path is None:
        return NotifyConfig()
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read notification config: {exc.strerror}", source=str(p)) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", source=str(p)) from exc
    return parse_config(data, source=str(p))
