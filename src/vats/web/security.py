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
    """Sliding-window login limits, counted when an attempt starts (so a burst of concurrent
    requests cannot all slip past the check while their passwords are being hashed):

    * `attempts` per (source address, account): a guesser at one account;
    * `per_account` per account from any source: guessing distributed over many addresses;
    * `per_source` per source over any accounts: password spraying and floods of unknown names.

    A successful login clears its (source, account) and account windows and gives its slot in the
    source window back, so colleagues behind one NAT address are not locked out by logging in.
    In-process memory: with several workers each keeps its own count, which still bounds guessing
    to the limits × workers per window.
    """

    MAX_KEYS = 100_000  # beyond this, expired windows are swept before a new key is added

    def __init__(
        self, attempts: int, window_s: float, *, per_account: int | None = None, per_source: int | None = None
    ) -> None:
        self.window_s = window_s
        self.limits = {
            "pair": attempts,
            "account": per_account or attempts * 4,
            "source": per_source or attempts * 4,
        }
        self._windows: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(client: str, user: str) -> dict[str, tuple[str, ...]]:
        account = user.strip().lower()
        return {
            "pair": ("pair", client, account),
            "account": ("account", account),
            "source": ("source", client),
        }

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        q = self._windows.get(key)
        if q is None:
            if len(self._windows) >= self.MAX_KEYS:
                self._sweep(now)
            q = self._windows[key] = deque()
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def _sweep(self, now: float) -> None:
        for key in [k for k, q in self._windows.items() if not q or now - q[-1] > self.window_s]:
            del self._windows[key]

    def begin(self, client: str, user: str) -> None:
        """Count one attempt, or raise TooManyAttempts (counting nothing) when a window is full."""
        now = time.monotonic()
        with self._lock:
            windows = {kind: self._recent(key, now) for kind, key in self._keys(client, user).items()}
            if any(len(windows[kind]) >= limit for kind, limit in self.limits.items()):
                raise TooManyAttempts(
                    "too many failed logins, try again later / 登录失败次数过多，请稍后再试"
                )
            for q in windows.values():
                q.append(now)

    def succeeded(self, client: str, user: str) -> None:
        keys = self._keys(client, user)
        with self._lock:
            self._windows.pop(keys["pair"], None)
            self._windows.pop(keys["account"], None)
            source = self._windows.get(keys["source"])
            if source:
                source.pop()
