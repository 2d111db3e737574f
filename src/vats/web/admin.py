"""Account administration in the browser: users (create, role, disable/enable, password reset) and
their organisation grants and sessions for administrators; own password change and own sessions
for everyone. Each form posts to a thin handler over `vats.store.accounts`, the same services the
API and `vats user …` call; every change is audited by the store, CSRF-checked here.

A refused form comes back with what was typed (never the passwords) and a Chinese message naming
the field's label.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from vats.api.deps import ADMINS, DbSession, Principal, Role, require_role
from vats.api.settings import SESSION_COOKIE
from vats.model.errors import InputError, VatsError
from vats.store import accounts
from vats.web.auth import WebUser
from vats.web.i18n import translations
from vats.web.security import Csrf, check_csrf
from vats.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)
WebAdmin = Annotated[Principal, Depends(require_role(*ADMINS))]
Name = Annotated[str, Form(max_length=accounts.MAX_NAME_LENGTH)]
Secret = Annotated[str, Form(max_length=accounts.MAX_PASSWORD_LENGTH)]


def field_labels(request: Request) -> dict[str, str]:
    """The Chinese label of each account field, as the forms show it."""
    _ = translations(request_lang(request)).gettext
    return {
        "name": _("用户名"),
        "user": _("用户名"),
        "role": _("角色"),
        "password": _("密码"),
        "current_password": _("当前密码"),
        "new_password": _("新密码"),
        "repeat": _("再次输入新密码"),
        "organisation": _("组织"),
        "session": _("会话"),
    }


def error_text(request: Request, exc: VatsError) -> str:
    """`label：reason`, the reason being the Chinese half of a service message ("english / 中文")."""
    label = field_labels(request).get(exc.field or "", "")
    reason = exc.message.rsplit(" / ", 1)[-1]
    return f"{label}：{reason}" if label else reason


# --- users (admin) ----------------------------------------------------------------------------


def _users_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    error: str | None = None,
    flash: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    from vats.store.organisations import list_organisations

    users = accounts.list_users(session)
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        nav="admin",
        users=users,
        grants=accounts.grants_by_user(session),
        organisations=list_organisations(session),
        roles=list(Role),
        error=error,
        flash=flash,
        form=form or {"name": "", "role": ""},
    )


@router.get("/admin/users")
def users_page(request: Request, admin: WebAdmin, session: DbSession) -> Response:
    return _users_page(request, session)


@router.post("/admin/users")
def create_user(
    request: Request,
    admin: WebAdmin,
    session: DbSession,
    name: Name,
    password: Secret,
    csrf_token: Csrf = "",
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    form = {"name": name, "role": role}
    try:
        if not role:
            raise InputError("choose a role / 请选择角色", field="role")
        accounts.create_user(session, name=name, role=role, password=password)
    except VatsError as exc:
        session.rollback()
        return _users_page(request, session, status_code=422, error=error_text(request, exc), form=form)
    return _users_page(request, session, flash=_("已创建用户") + f"：{name.strip()}")


def _user_action(request: Request, session: Session, action: Callable[[], object], done: str) -> Response:
    """Run one account change; a refusal re-renders the page naming the field."""
    try:
        action()
    except VatsError as exc:
        session.rollback()
        return _users_page(request, session, status_code=_status(exc), error=error_text(request, exc))
    return _users_page(request, session, flash=done)


def _status(exc: VatsError) -> int:
    from vats.model.errors import ConflictError, NotFoundError

    return 404 if isinstance(exc, NotFoundError) else 409 if isinstance(exc, ConflictError) else 422


@router.post("/admin/users/role")
def set_role(
    request: Request,
    admin: WebAdmin,
    session: DbSession,
    user: Name,
    role: Annotated[str, Form(max_length=20)],
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext

    def act() -> None:
        if user == admin.name and role != Role.ADMIN.value:
            raise InputError("you cannot remove your own admin role / 不能取消自己的管理员角色", field="role")
        accounts.set_role(session, name=user, role=role)

    return _user_action(request, session, act, _("已修改角色") + f"：{user}")


@router.post("/admin/users/disable")
def disable_user(
    request: Request, admin: WebAdmin, session: DbSession, user: Name, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext

    def act() -> None:
        if user == admin.name:
            raise InputError("you cannot disable yourself / 不能停用自己的账户", field="user")
        accounts.disable(session, name=user)

    return _user_action(request, session, act, _("已停用用户") + f"：{user}")


@router.post("/admin/users/enable")
def enable_user(
    request: Request, admin: WebAdmin, session: DbSession, user: Name, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    return _user_action(
        request, session, lambda: accounts.enable(session, name=user), _("已启用用户") + f"：{user}"
    )


@router.post("/admin/users/password")
def reset_password(
    request: Request, admin: WebAdmin, session: DbSession, user: Name, password: Secret, csrf_token: Csrf = ""
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    return _user_action(
        request,
        session,
        lambda: accounts.reset_password(session, name=user, password=password),
        _("已重置密码，该用户的会话、API 令牌和日历订阅已失效") + f"：{user}",
    )


def _organisation_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 10:
        raise InputError("choose an organisation / 请选择组织", field="organisation")
    return int(raw)


@router.post("/admin/users/grants")
def grant(
    request: Request,
    admin: WebAdmin,
    session: DbSession,
    user: Name,
    organisation: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    return _user_action(
        request,
        session,
        lambda: accounts.grant(session, name=user, organisation_id=_organisation_id(organisation)),
        _("已授权组织") + f"：{user}",
    )


@router.post("/admin/users/grants/revoke")
def revoke_grant(
    request: Request,
    admin: WebAdmin,
    session: DbSession,
    user: Name,
    organisation: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    return _user_action(
        request,
        session,
        lambda: accounts.revoke_grant(session, name=user, organisation_id=_organisation_id(organisation)),
        _("已撤销组织授权") + f"：{user}",
    )


# --- sessions ---------------------------------------------------------------------------------


def _sessions_page(
    request: Request, session: Session, user: Principal, *, flash: str | None = None
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    everyone = user.role is Role.ADMIN
    rows = accounts.list_sessions(session, user=None if everyone else user.name, current=cookie)
    return render(request, "sessions.html", nav="account", sessions=rows, everyone=everyone, flash=flash)


@router.get("/account/sessions")
def sessions_page(request: Request, user: WebUser, session: DbSession) -> Response:
    """Own sessions; an administrator sees everyone's."""
    return _sessions_page(request, session, user)


@router.post("/account/sessions/revoke")
def revoke_session(
    request: Request,
    user: WebUser,
    session: DbSession,
    handle: Annotated[str, Form(max_length=64)],
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    scope = None if user.role is Role.ADMIN else user.name
    accounts.revoke_session(session, handle=handle, user=scope)
    return _sessions_page(request, session, user, flash=_("会话已结束"))


# --- own password -----------------------------------------------------------------------------


@router.post("/account/password")
def change_password(
    request: Request,
    user: WebUser,
    session: DbSession,
    current_password: Secret,
    new_password: Secret,
    repeat: Secret,
    csrf_token: Csrf = "",
) -> Response:
    """Everyone's own password. The browser making the change stays logged in; every other session,
    API token and calendar feed of the user ends."""
    check_csrf(request, csrf_token)
    _ = translations(request_lang(request)).gettext
    try:
        if new_password != repeat:
            raise InputError("passwords differ / 两次输入的新密码不一致", field="repeat")
        accounts.change_password(
            session,
            name=user.name,
            current=current_password,
            new=new_password,
            keep_session=request.cookies.get(SESSION_COOKIE),
        )
    except VatsError as exc:
        session.rollback()
        field = "new_password" if exc.field == "password" else exc.field
        shown = VatsError(exc.message, field=field)
        return render(
            request,
            "account.html",
            status_code=422,
            nav="account",
            token=None,
            feed_url=None,
            password_error=error_text(request, shown),
        )
    return RedirectResponse("/account?changed=1", status_code=303)
