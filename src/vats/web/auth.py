"""Login, logout, language choice and the account page (API tokens, calendar feed)."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from vats.api.deps import AUDIT_READERS, WRITERS, DbSession, Principal, current_actor, require_role
from vats.api.settings import CSRF_FIELD, LANG_COOKIE, SESSION_COOKIE
from vats.store import accounts
from vats.web.i18n import normalise, translations
from vats.web.security import LoginLimiter, TooManyAttempts, check_csrf
from vats.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "vats_login_csrf"


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would make the login page a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.secure_cookies or request.url.scheme == "https")


def _limiter(request: Request) -> LoginLimiter:
    limiter = getattr(request.app.state, "login_limiter", None)
    if limiter is None:
        s = request.app.state.settings
        limiter = request.app.state.login_limiter = LoginLimiter(
            s.login_attempts,
            s.login_window_s,
            per_account=s.login_attempts_per_account,
            per_source=s.login_attempts_per_source,
        )
    return limiter


HASHING_THREADS = 2
"""Password verifications running at once. argon2 is slow and memory-hard on purpose; a login flood
queues here instead of taking the worker threads (and cores) every other request needs."""


def _hashing_slots(request: Request) -> anyio.CapacityLimiter:
    slots = getattr(request.app.state, "hashing_slots", None)
    if slots is None:
        slots = request.app.state.hashing_slots = anyio.CapacityLimiter(HASHING_THREADS)
    return slots


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, next=safe_next(next), name="", error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request))
    return response


def _log_in(engine: Any, name: str, password: str) -> str | None:
    """A new session cookie when the password is right (runs in a hashing thread)."""
    from vats.store.db import session_scope

    with session_scope(engine, actor=name) as session:
        actor = accounts.authenticate_password(session, name=name, password=password)
        return None if actor is None else accounts.open_web_session(session, actor)[0]


@router.post("/login")
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Async so that the limiter answers a flood at once on the event loop; the database and the
    argon2 work run in a small dedicated thread pool (`HASHING_THREADS`)."""
    _ = translations(request_lang(request)).gettext
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not secrets.compare_digest(cookie_token, csrf_token):
        from vats.api.deps import Forbidden

        raise Forbidden("login form expired / 登录表单已过期，请刷新")
    client = request.client.host if request.client else "?"
    limiter = _limiter(request)
    try:
        limiter.begin(client, name)
    except TooManyAttempts:
        return render(
            request,
            "login.html",
            status_code=429,
            login_csrf=csrf_token,
            next=safe_next(next),
            name=name,
            error=_("登录失败次数过多，请稍后再试"),
        )
    cookie = await anyio.to_thread.run_sync(
        partial(_log_in, request.app.state.engine, name, password), limiter=_hashing_slots(request)
    )
    if cookie is None:
        return render(
            request,
            "login.html",
            status_code=401,
            login_csrf=csrf_token,
            next=safe_next(next),
            name=name,
            error=_("用户名或密码不正确"),
        )
    limiter.succeeded(client, name)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


WebUser = Annotated[Principal, Depends(current_actor)]
WebWriter = Annotated[Principal, Depends(require_role(*WRITERS))]
WebAuditor = Annotated[Principal, Depends(require_role(*AUDIT_READERS))]


@router.post("/logout")
def logout(
    request: Request, user: WebUser, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = ""
) -> Response:
    check_csrf(request, csrf_token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with Session(request.app.state.engine) as session, session.begin():
            accounts.close_web_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/lang")
def set_language(
    request: Request,
    lang: Annotated[str, Form()],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Language is a preference, not a privilege: CSRF is checked only when a session exists (this
    route has no authentication dependency, so the session is resolved here to learn its token)."""
    authenticate = getattr(request.app.state, "authenticate", None)
    if request.cookies.get(SESSION_COOKIE) and authenticate is not None and authenticate(request):
        check_csrf(request, csrf_token)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANG_COOKIE, normalise(lang), samesite="lax", max_age=365 * 86400, secure=_secure(request)
    )
    return response


@router.get("/account")
def account(request: Request, user: WebUser, changed: str | None = None) -> Response:
    _ = translations(request_lang(request)).gettext
    flash = _("密码已修改，其他会话、API 令牌和日历订阅已失效") if changed else None
    return render(request, "account.html", nav="account", token=None, feed_url=None, flash=flash)


@router.post("/account/token")
def new_token(
    request: Request,
    user: WebUser,
    session: DbSession,
    name: Annotated[str, Form(max_length=100)] = "web",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    issued = accounts.create_token(session, user=user.name, name=name or "web")
    return render(request, "account.html", nav="account", token=issued.secret, feed_url=None)


@router.post("/account/feed")
def new_feed(
    request: Request,
    user: WebUser,
    session: DbSession,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    assert user.actor_id is not None
    secret = accounts.create_calendar_feed(session, actor_id=user.actor_id)
    url = str(request.base_url).rstrip("/") + f"/calendar/{secret}.ics"
    return render(request, "account.html", nav="account", token=None, feed_url=url)
