"""Browser-side protections: CSRF tokens on every form and login rate limiting."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from typing import Annotated

from fastapi import Form, Request

from vats.api.deps import Forbidden
from vats.api.problems import TooManyRequests
from vats.api.settings import CSRF_FIELD, CSRF_HEADER

Csrf = Annotated[str, Form(alias=CSRF_FIELD)]
"""The CSRF token field of a posted form (checked with `check_csrf`)."""


class TooManyAttempts(TooManyRequests):
    """Too many failed logins from this address for this user (HTTP 429)."""


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing browser request whose token does not match the session's.

    The token comes from the form field or, for script requests, the X-CSRF-Token header.
    """
    expected = getattr(request.state, "csrf_token", None)
    token = submitted or request.headers.get(CSRF_HEADER)
    if not expected or not token or not secrets.compare_digest(str(expected), str(token)):
        raise Forbidden(f"missing or wrong {CSRF_FIELD} / 表单已过期，请刷新页面后重试")


class LoginLimiter:
    """At most `attempts` failures per (client address, user) in a sliding window of `window_s`.

    In-process memory: with several workers each keeps its own count, which still bounds
    guessing to attempts × workers per window.
    """

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def check(self, client: str, user: str) -> None:
        with self._lock:
            if len(self._recent((client, user.lower()), time.monotonic())) >= self.attempts:
                raise TooManyAttempts(
                    "too many failed logins, try again later / 登录失败次数过多，请稍后再试"
                )

    def failed(self, client: str, user: str) -> None:
        with self._lock:
            self._recent((client, user.lower()), time.monotonic()).append(time.monotonic())

    def succeeded(self, client: str, user: str) -> None:
        with self._lock:
            self._failures.pop((client, user.lower()), None)
