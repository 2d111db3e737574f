"""Run-time settings of the web process, read once from the environment (12-factor style)."""

from __future__ import annotations

import os
from dataclasses import dataclass

SESSION_COOKIE = "vats_session"
LANG_COOKIE = "vats_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """`scheduler`: run reminders/site checks in-process. `secure_cookies`: force the Secure flag
    (it is also set whenever the request came over https)."""

    scheduler: bool = True
    scheduler_interval_s: float = 3600.0
    scheduler_checks: bool = True  # crawl homepages on each round (off where egress is not allowed)
    secure_cookies: bool = False
    login_attempts: int = 5
    login_window_s: float = 300.0
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
            login_attempts=int(os.environ.get("VATS_LOGIN_ATTEMPTS", "5")),
            notify_config=os.environ.get("VATS_NOTIFY_CONFIG"),
            checkpoint_dir=os.environ.get("VATS_CHECKPOINT_DIR"),
            checkpoint_webhook=os.environ.get("VATS_CHECKPOINT_WEBHOOK"),
        )
