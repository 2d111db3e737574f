"""The management view's service: the caller's evaluated portfolio reduced to `report.management`
figures, memoised on that portfolio (which is rebuilt after any write, so never stale).

The figures read the same evaluated portfolio the obligations list filters, so each number equals
the length of the list it links to; nothing is evaluated again for them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.api import views
from vats.api.deps import Principal
from vats.model.obligation_ids import obligation_id
from vats.model.obligations import Obligation
from vats.report.management import Figures, figures


def management_figures(session: Session, principal: Principal, *, as_of: date) -> Figures:
    """The figures of the management view for what `principal` may see, as of `as_of`."""
    from vats.registers.workspace import service
    from vats.store.models import Organisation

    p = views.portfolio(session, principal, as_of=as_of)
    cached = p.derived.get("management")
    if isinstance(cached, Figures):
        return cached
    visible = {org for org in p.organisation_of.values() if org is not None}
    names = {
        oid: name
        for oid, name in session.execute(select(Organisation.id, Organisation.name))
        if oid in visible
    }

    def owner_of(items: list[Obligation]) -> list[str | None]:
        owners = service.owners(session)  # every explicit owner in one query, and the defaults
        return [owners.of(obligation_id(o), o.rule_id, p.organisation_of.get(o.licence)) for o in items]

    result = figures(
        p.obligations,
        as_of=as_of,
        organisation_of=p.organisation_of,
        organisation_names=names,
        owner_of=owner_of,
    )
    p.derived["management"] = result
    return result
