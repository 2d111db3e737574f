"""Mounts the web UI on the app: static files, pages, and HTML error pages for browsers."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vats.web import (
    admin,
    auth,
    check_jobs,
    copies,
    dossiers,
    jobs,
    management,
    pages,
    registers,
    reminders,
    scans,
    sheet,
    watchlists,
    workpacks,
    workspace,
)
from vats.web.i18n import translations
from vats.web.templating import render, request_lang

STATIC = Path(__file__).parent / "static"


def html_error(request: Request, status: int, slug: str, detail: str) -> Response:
    """Browsers get a page: 401 sends them to the login form, everything else explains itself."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    _ = translations(request_lang(request)).gettext
    titles = {403: _("无权访问"), 404: _("未找到"), 409: _("冲突"), 429: _("请求过多")}
    title = titles.get(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
    return render(request, "error.html", status_code=status, status=status, title=title, detail=detail)


def install(app: FastAPI) -> None:
    app.state.html_error_renderer = html_error
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(sheet.router)  # before pages: /licences/sheet is not a licence number
    app.include_router(copies.router)  # before pages: /licences/N/copies/new is not a licence page
    app.include_router(management.router)  # before pages: /management is not a page id
    app.include_router(scans.router)  # before pages: /licences/review is not a licence number
    app.include_router(pages.router)
    app.include_router(registers.router)
    app.include_router(workspace.router)
    app.include_router(reminders.router)
    app.include_router(check_jobs.router)
    app.include_router(jobs.router)
    app.include_router(workpacks.router)
    app.include_router(watchlists.router)
    app.include_router(dossiers.router)
