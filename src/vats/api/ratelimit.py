"""The request budget of the public routes: what anyone may call without logging in.

Copy verification, calendar feeds and the published keys do real work (a signature check, a token
lookup, a database session) for callers nobody authenticated, so each client address gets
`Settings.public_requests` calls per `Settings.public_window_s` for each family of routes. The
count lives in the database (`vats.store.ratelimit`), so every process serving the site shares it;
the refusal is a 429 (a Chinese page in a browser, problem+json on the API).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from vats.api.problems import TooManyRequests


class PublicBudgetExceeded(TooManyRequests):
    """A client address used up its budget of public requests for this window (HTTP 429)."""


def public_budget(family: str) -> Callable[[Request], None]:
    """A dependency counting one request of `family` against the caller's address."""

    def check(request: Request) -> None:
        from vats.store.ratelimit import count_hit

        settings = request.app.state.settings
        client = request.client.host if request.client else "?"
        hits = count_hit(
            request.app.state.engine, bucket=f"{family}:{client}", window_s=settings.public_window_s
        )
        if hits > settings.public_requests:
            raise PublicBudgetExceeded(
                "too many requests from this address, try again later / 请求过于频繁，请稍后再试"
            )

    return check


def limited(family: str) -> DependsParam:
    """`Depends` for a route's `dependencies=[...]` list."""
    dependency: DependsParam = Depends(public_budget(family))
    return dependency
