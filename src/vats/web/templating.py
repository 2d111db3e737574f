"""The Jinja2 environment: autoescaping on, gettext installed per request language."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from vats.api.settings import CSRF_FIELD, LANG_COOKIE
from vats.web.i18n import LANGUAGES, normalise, translations

TEMPLATES = Path(__file__).parent / "templates"


def beijing_minute(moment: datetime | str | None) -> str:
    """A stored (UTC) instant as Beijing wall time to the minute, how every page shows times (an ISO
    text, as some read models carry, is read first)."""
    from vats.model.clock import in_beijing

    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
    return "—" if not isinstance(moment, datetime) else in_beijing(moment).strftime("%Y-%m-%d %H:%M")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["isodate"] = lambda d: d.isoformat() if isinstance(d, date) else (d or "—")
    env.filters["beijing"] = beijing_minute
    env.filters["obid"] = _obligation_id
    env.filters["audit_entity"] = _audit_entity
    env.filters["audit_action"] = _audit_action
    env.filters["media_type"] = _media_type
    return env


def _audit_entity(code: str, lang: str = "zh-CN") -> str:
    from vats.report.labels import AUDIT_ENTITIES, audit_label

    return audit_label(AUDIT_ENTITIES, code, "en" if lang == "en" else "zh")


def _audit_action(code: str, lang: str = "zh-CN") -> str:
    from vats.report.labels import AUDIT_ACTIONS, audit_label

    return audit_label(AUDIT_ACTIONS, code, "en" if lang == "en" else "zh")


def _media_type(code: str, lang: str = "zh-CN") -> str:
    from vats.report.labels import MEDIA_TYPES, audit_label

    return audit_label(MEDIA_TYPES, code, "en" if lang == "en" else "zh")


def _obligation_id(ob: Any) -> str:
    from vats.model.obligation_ids import obligation_id

    return obligation_id(ob)


def request_lang(request: Request) -> str:
    """Cookie first (the user's explicit choice), else zh-CN: the product is Chinese first."""
    return normalise(request.cookies.get(LANG_COOKIE))


def render(
    request: Request, template_name: str, /, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = request_lang(request)
    catalogue = translations(lang)
    env = environment()
    template = env.get_template(template_name)
    html = template.render(
        request=request,
        lang=lang,
        languages=LANGUAGES,
        principal=getattr(request.state, "principal", None),
        csrf_field=CSRF_FIELD,
        csrf_token=getattr(request.state, "csrf_token", ""),
        gettext=catalogue.gettext,
        ngettext=catalogue.ngettext,
        _=catalogue.gettext,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
