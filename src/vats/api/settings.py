"""Run-time settings of the web process, read once from the environment (12-factor style)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from vats.model.errors import InputError

SESSION_COOKIE = "vats_session"
LANG_COOKIE = "vats_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_UPLOAD = 10 * 1024 * 1024  # bytes of one uploaded licence document (API and web alike)
PER_PAGE = 50  # rows per page of the web lists (the API takes per_page, capped by store.listing)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number, got {raw!r}", field=name) from None
    if value < 1:
        raise InputError(f"{name} must be at least 1, got {value}", field=name)
    return value


def trusted_proxies(raw: str | None) -> tuple[str, ...]:
    """`VATS_TRUSTED_PROXIES`: addresses or CIDR networks (comma or space separated) of the reverse
    proxies whose X-Forwarded-For / X-Forwarded-Proto headers are believed. Empty: none are, so a
    client cannot pick the address the login limiter counts against."""
    out: list[str] = []
    for item in (raw or "").replace(",", " ").split():
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise InputError(
                f"VATS_TRUSTED_PROXIES: {item!r} is not an IP address or CIDR network",
                field="VATS_TRUSTED_PROXIES",
            ) from None
    return tuple(out)


def proxy_options() -> tuple[bool, str | None]:
    """uvicorn's (proxy_headers, forwarded_allow_ips): off unless `VATS_TRUSTED_PROXIES` names the
    proxies (uvicorn's own default believes X-Forwarded-For from 127.0.0.1, which lets any local
    client rotate the address the login limiter counts)."""
    trusted = trusted_proxies(os.environ.get("VATS_TRUSTED_PROXIES"))
    return (True, ",".join(trusted)) if trusted else (False, None)


@dataclass(frozen=True, slots=True)
class Settings:
    """`scheduler`: run reminders/site checks in-process. `secure_cookies`: force the Secure flag
    (it is also set whenever the request came over https). Login limits, each a sliding window of
    `login_window_s`: `login_attempts` per (source, account), `login_attempts_per_account` from any
    source, `login_attempts_per_source` over any accounts (spraying, floods of unknown names)."""

    scheduler: bool = True
    scheduler_interval_s: float = 3600.0
    scheduler_checks: bool = True  # crawl homepages on each round (off where egress is not allowed)
    secure_cookies: bool = False
    login_attempts: int = 5
    login_attempts_per_account: int = 20
    login_attempts_per_source: int = 20
    login_window_s: float = 300.0
    #: requests each client address may make to the public, unauthenticated routes per window
    public_requests: int = 60
    public_window_s: int = 60
    trusted_proxies: tuple[str, ...] = ()
    notify_config: str | None = None
    #: where the scheduler writes the daily signed audit checkpoint (None: no daily checkpoint)
    checkpoint_dir: str | None = None
    #: a second party's URL that receives each daily checkpoint by POST
    checkpoint_webhook: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            scheduler=_flag("VATS_SCHEDULER", True),
            scheduler_interval_s=float(os.environ.get("VATS_SCHEDULER_INTERVAL", "3600")),
            scheduler_checks=_flag("VATS_SCHEDULER_CHECKS", True),
            secure_cookies=_flag("VATS_SECURE_COOKIES", False),
            login_attempts=_int("VATS_LOGIN_ATTEMPTS", 5),
            login_attempts_per_account=_int("VATS_LOGIN_ATTEMPTS_PER_ACCOUNT", 20),
            login_attempts_per_source=_int("VATS_LOGIN_ATTEMPTS_PER_SOURCE", 20),
            public_requests=_int("VATS_PUBLIC_REQUESTS", 60),
            public_window_s=_int("VATS_PUBLIC_WINDOW", 60),
            trusted_proxies=trusted_proxies(os.environ.get("VATS_TRUSTED_PROXIES")),
            notify_config=os.environ.get("VATS_NOTIFY_CONFIG"),
            checkpoint_dir=os.environ.get("VATS_CHECKPOINT_DIR"),
            checkpoint_webhook=os.environ.get("VATS_CHECKPOINT_WEBHOOK"),
        )


MAX_SCAN_FILES = 20  # files of one scanned licence uploaded together (one page each at least)
MAX_SCAN_BYTES = 40 * 1024 * 1024  # all files of one scanned licence together
