"""立即检查 as a recorded job: one site, one licence, or every visible licence, asked for from the web
or the API and run by the workers on PostgreSQL or in this server on SQLite (`vats.api.jobsubmit`).

The scope is checked against the caller's organisations (the session's `Scope`) before anything is
recorded or fetched, and the same request within a minute is one job (a double click, a client
retrying its POST), so the web form and `POST /api/v1/checks/runs` start the same work the same way.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.api import jobsubmit
from vats.api.deps import Principal
from vats.model.clock import minute_text, now_utc
from vats.model.errors import InputError, NotFoundError
from vats.store.background import BackgroundJob, JobRequest
from vats.store.models import LicenceRecord
from vats.store.scope import scope_of


def _visible(session: Session) -> dict[str, int | None]:
    """Live licences within the session's scope, number → organisation."""
    t = LicenceRecord.__table__
    query = select(t.c.number, t.c.organisation_id).where(
        t.c.archived.is_(False), *scope_of(session).where(t.c.organisation_id)
    )
    return {number: org for number, org in session.execute(query)}


def _sites(session: Session, *, licence: str) -> set[str]:
    from vats.store.checks import site_targets

    return {t.domain.lower() for t in site_targets(session, numbers=[licence])}


def submit_check(
    session: Session, *, principal: Principal, licence: str = "", domain: str = ""
) -> BackgroundJob:
    """The check job of `domain` on `licence`, of `licence`'s sites, or (both blank) of every licence
    `principal` may see; created and started unless the same request was made this minute."""
    licence, domain = licence.strip(), domain.strip().lower().rstrip(".")
    if domain and not licence:
        raise InputError("请选择许可证 / choose a licence", field="licence")
    if licence:
        from vats.store.licences import get_licence

        record = get_licence(session, number=licence)
        if record is None or record.archived:
            raise NotFoundError("未找到许可证 / licence not found", field="licence")
        licence = record.number
        sites = _sites(session, licence=licence)
        if not sites:
            raise NotFoundError(f"许可证未列出网站 / licence {licence} lists no sites", field="licence")
        if domain and domain not in sites:
            raise InputError("该许可证未登记此网站 / the licence lists no such site", field="domain")
        numbers: list[str] | None = [licence]
        organisations = {record.organisation_id}
    else:
        visible = _visible(session)
        numbers = None if principal.organisations is None else sorted(visible)
        if numbers == []:
            raise InputError("没有可检查的许可证 / no licence to check", field="licence")
        organisations = {visible[n] for n in numbers} if numbers is not None else {None}
    organisation = organisations.pop() if len(organisations) == 1 else None
    kind = "check_site" if domain else "check_licence" if licence else "check_all"
    what = f"{domain}（{licence}）" if domain else licence or "全部许可证的网站"
    # a double click within the minute is the same job; a later click checks again
    key = f"{kind}:{principal.name}:{licence}:{domain}:{minute_text(now_utc())}"
    args = {"licences": numbers, "domain": domain or None}
    return jobsubmit.submit(session, JobRequest(kind, key, principal.name, what, organisation, args))
